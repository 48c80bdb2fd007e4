// Email addresses: registration takes exactly what Directus takes, checked against the rule the
// embedded Directus 11.17.4 itself runs (joi's `string().email()`, loaded from its own install);
// login takes any plausible address, so no account Directus holds is locked out by the app.
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { isDirectusEmail } from "#app/lib/email.ts";
import { limits, loginSchema, registerSchema } from "#app/lib/validation.ts";
import { directusBin } from "../../scripts/lib/runtime.mjs";

const requireFromApi = createRequire(createRequire(directusBin).resolve("@directus/api/package.json"));
const Joi = requireFromApi("joi") as { string(): { email(): { required(): { validate(value: string): { error?: unknown } } } } };
// As Directus's /users/register and /auth/login validate the email of their payload.
const directusEmail = Joi.string().email().required();
const directusAccepts = (address: string) => !directusEmail.validate(address).error;

const accepted = [
  "ada@example.com",
  "josé@example.com",
  "a!b@example.com",
  "a+tag@example.co.uk",
  "ADA@EXAMPLE.COM",
  "😀@example.com",
  "ada@bücher.de",
  "ada@xn--bcher-kva.de",
  "é@é.fr",
  "ada@example.photography",
  "ada@example.москва",
  `${"a".repeat(64)}@example.com`,
];
const refused = [
  "not-an-email",
  "ada@example",
  "ada@localhost",
  "ada@example.zzzz",
  "a b@example.com",
  '"a b"@example.com',
  "ada@[127.0.0.1]",
  "ada@example.com.",
  "a..b@example.com",
  ".a@example.com",
  "a@-example.com",
  "a@@example.com",
  `${"a".repeat(65)}@example.com`,
];

const register = (email: string) => registerSchema.safeParse({ email, password: "a long enough password" });
const login = (email: string) => loginSchema.safeParse({ email, password: "pw" });

describe("email addresses at registration", () => {
  it.each([...accepted, ...refused])("%s: our rule agrees with Directus's", (address) => {
    expect(isDirectusEmail(address)).toBe(directusAccepts(address));
  });

  it.each(accepted)("accepts %s, as Directus does", (address) => {
    expect(register(address).success).toBe(true);
  });

  it.each(refused)("refuses %s, as Directus does", (address) => {
    expect(register(address).error?.issues[0]?.message).toBe("Enter a valid email address");
  });

  it("stops at the email column's size, shorter than what Directus's rule allows", () => {
    const atLimit = `${"a".repeat(64)}@${"b".repeat(limits.emailMax - 64 - 5)}.com`;
    expect(atLimit).toHaveLength(limits.emailMax);
    expect(register(atLimit).success).toBe(true);
    expect(register(`b${atLimit}`).error?.issues[0]?.message).toBe(`Email must be at most ${limits.emailMax} characters`);
  });
});

describe("email addresses at login", () => {
  it.each([...accepted, "ada@example", "ada@example.zzzz", "ada@localhost"])("lets Directus decide on %s", (address) => {
    expect(login(address).success).toBe(true);
  });

  it.each(["not-an-email", "a b@example.com", "@example.com", "ada@", "a@b@c"])("refuses %s, which no account has", (address) => {
    expect(login(address).error?.issues[0]?.message).toBe("Enter a valid email address");
  });

  it("refuses control characters and what no column holds", () => {
    expect(login("a\u0000@example.com").error?.issues[0]?.message).toBe("Remove the invisible control characters");
    expect(login(`${"a".repeat(limits.emailMax)}@example.com`).success).toBe(false);
  });
});
