/**
 * `ulasan/metrics`.
 *
 * @packageDocumentation
 */
export {};
