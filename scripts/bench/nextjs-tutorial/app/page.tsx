// The tutorial keeps create-next-app's home page; this stands in for it with links to its pages.
export default function Home() {
  return (
    <main>
      <a href="/login">Login</a> <a href="/register">Register</a>
    </main>
  );
}
