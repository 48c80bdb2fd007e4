// The app's public contract: every URL it answers, written out by hand.
import { index, route, type RouteConfig } from "@react-router/dev/routes";

export default [
  index("routes/home.tsx"),
  route("register", "routes/register.tsx"),
  route("verify-email", "routes/verify-email.tsx"),
  route("login", "routes/login.tsx"),
  route("login/code", "routes/login.code.tsx"),
  route("login/unlock", "routes/login.unlock.tsx"),
  route("login/provider-code", "routes/login.provider-code.tsx"),
  route("auth/login/:provider", "routes/auth.login.$provider.tsx"),
  route("auth/login/:provider/callback", "routes/auth.login.$provider.callback.tsx"),
  route("forgot-password", "routes/forgot-password.tsx"),
  route("reset-password", "routes/reset-password.tsx"),
  route("logout", "routes/logout.tsx"),
  route("dashboard", "routes/dashboard.tsx"),
  route("posts/new", "routes/posts.new.tsx"),
  route("posts/:id", "routes/posts.$id.tsx"),
  route("posts/:id/edit", "routes/posts.$id.edit.tsx"),
  route("posts/:id/delete", "routes/posts.$id.delete.tsx"),
  route("profile", "routes/profile.tsx"),
  route("profile/password", "routes/profile.password.tsx"),
  route("profile/email", "routes/profile.email.tsx"),
  route("profile/sessions", "routes/profile.sessions.tsx"),
  route("confirm-email", "routes/confirm-email.tsx"),
  route("profile/two-factor", "routes/profile.two-factor.tsx"),
  route("healthz", "routes/healthz.ts"),
] satisfies RouteConfig;
