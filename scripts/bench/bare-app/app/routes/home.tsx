import { Form } from "react-router";
export function action() { return null; }
export default function Home() {
  return (
    <Form method="post">
      <input name="email" type="email" />
      <input name="password" type="password" />
      <button type="submit">Log in</button>
    </Form>
  );
}
