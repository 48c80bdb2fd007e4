// Not in the tutorial, which lists titles only: the benchmark measures a post page, so this is the
// dashboard's pattern for one post (the DAL's readMe, then the item), its content shown as stored
// (the tutorial renders no Markdown).
import { getUserData } from '@/lib/dal';
import client from '@/lib/directus';
import { readItem } from '@directus/sdk';

export default async function Post({ params }: { params: Promise<{ id: string }> }) {
  await getUserData();

  const { id } = await params;
  const post = await client.request(readItem('posts', id));

  return (
    <main>
      <form action="/api/auth/logout" method="POST">
        <button type="submit">Logout</button>
      </form>
      <article>
        <h1>{post.title}</h1>
        <p>{post.content}</p>
      </article>
    </main>
  );
}
