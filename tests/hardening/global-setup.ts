// Bootstraps and provisions one Directus database for the whole hardening run; each test file then
// starts its own Directus on a copy of it, which takes seconds instead of a full bootstrap.
import type { TestProject } from "vitest/node";
import { createDirectusTemplate } from "../support/services.ts";

declare module "vitest" {
  export interface ProvidedContext {
    directusTemplate: string;
  }
}

export default async function setup(project: TestProject) {
  // Registration signs people in at once here, as most files expect; account-flows.test.ts turns
  // email verification on in its own copy.
  const template = await createDirectusTemplate({ verifyEmail: false });
  project.provide("directusTemplate", template.dir);
  return template.remove;
}
