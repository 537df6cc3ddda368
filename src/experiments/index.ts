/**
 * `ulasan/experiments`.
 *
 * @packageDocumentation
 */
export {};
