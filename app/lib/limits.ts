// Form limits, shared by the inputs' attributes and the schemas; kept apart from zod so the browser never loads it.
export const limits = {
  emailMax: 254,
  passwordMin: 8,
  passwordMax: 256,
  titleMax: 255,
  contentMax: 100_000,
  nameMax: 100,
} as const;
