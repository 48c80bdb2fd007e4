// The throughput baseline: one Directus call (the path after /directus), rendered as a list of links.
import { Link } from "react-router";
type Item = { id: number; title: string; content?: string | null; date_created?: string | null };
export async function loader({ request, params }: { request: Request; params: Record<string, string | undefined> }) {
  const url = `${process.env.BARE_DIRECTUS_URL}/${params["*"]}${new URL(request.url).search}`;
  const response = await fetch(url, { headers: { Authorization: process.env.BARE_AUTHORIZATION ?? "" } });
  if (!response.ok) throw new Response("Directus answered " + response.status, { status: 502 });
  return (await response.json()).data as Item | Item[];
}
export default function Page({ loaderData }: { loaderData: Item | Item[] }) {
  const items = Array.isArray(loaderData) ? loaderData : [loaderData];
  return (
    <main>
      <h1>Posts</h1>
      <ul>
        {items.map((item) => (
          <li key={item.id}>
            <Link to={`/posts/${item.id}`}>{item.title}</Link> <time>{item.date_created}</time>
            {item.content ? <p>{item.content}</p> : null}
          </li>
        ))}
      </ul>
    </main>
  );
}
