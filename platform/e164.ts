/**
 * The shape of an E.164 number as mutations take it: "+", a non-zero digit, at most 15 digits
 * in all. Only the shape: whether the plan knows the number is the subgraph's own question.
 */
const E164_SHAPE = /^\+[1-9]\d{1,14}$/;

/** True when `text` has the E.164 shape (at most 16 characters). */
export const isE164Shape = (text: string): boolean => E164_SHAPE.test(text);
