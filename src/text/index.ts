/**
 * `ulasan/text`.
 *
 * @packageDocumentation
 */
export {};
