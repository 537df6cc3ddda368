/**
 * `ulasan/vision`.
 *
 * @packageDocumentation
 */
export {};
