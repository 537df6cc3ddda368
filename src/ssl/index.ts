/**
 * `ulasan/ssl`.
 *
 * @packageDocumentation
 */
export {};
