// The user snapshot kept in the session: enough for headers and ownership checks, nothing secret.
export type SessionUser = {
  id: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
};

export function displayName(user: Pick<SessionUser, "firstName" | "lastName" | "email">): string {
  const name = [user.firstName, user.lastName].filter(Boolean).join(" ");
  return name || user.email;
}
