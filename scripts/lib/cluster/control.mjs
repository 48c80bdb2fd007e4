// A loopback HTTP endpoint through which a test in another process stops and starts the cluster's
// instances (the processes stay this process's children, so it alone starts and stops them):
//   POST /stop/<name>, POST /start/<name>   with <name> from the settings (directus2, app1, …), or
//   app-redis: the app instances' link to Redis, cut and restored (redis.mjs)
// Each answers once the instance has exited or is serving: { name, pid, signalledAt, doneAt } (ms).
import { createServer } from "node:http";

export async function serveControl(cluster) {
  const { settings } = cluster;
  const find = (name) => {
    const directus = settings.directus.instances.findIndex((instance) => instance.name === name);
    if (directus >= 0) return { index: directus, stop: cluster.stopDirectus, start: cluster.startDirectus, list: cluster.directus };
    const app = settings.app.instances.findIndex((instance) => instance.name === name);
    if (app >= 0) return { index: app, stop: cluster.stopApp, start: cluster.startApp, list: cluster.apps };
    if (name === "app-redis") return { index: 0, stop: cluster.cutAppRedis, start: cluster.restoreAppRedis, list: [] };
    return null;
  };
  const server = createServer(async (req, res) => {
    const [, action, name] = req.url?.split("/") ?? [];
    const target = req.method === "POST" && (action === "stop" || action === "start") ? find(name) : null;
    const answer = (status, body) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (!target) return answer(404, { error: "POST /stop/<instance> or /start/<instance> (or app-redis)" });
    try {
      const signalledAt = Date.now();
      const pid = action === "stop" ? target.list[target.index]?.pid : undefined;
      await (action === "stop" ? target.stop(target.index) : target.start(target.index));
      answer(200, { name, pid: pid ?? target.list[target.index]?.pid, signalledAt, doneAt: Date.now() });
    } catch (error) {
      answer(500, { error: String(error?.message ?? error) });
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
