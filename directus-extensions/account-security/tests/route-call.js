// Calls one of the extension's routes as Express would, with a stand-in response that records what
// the route answered: shared by the tests of every route the extension registers.

/**
 * @param {Record<string, Function>} routes the handlers the extension registered, by path
 * @param {string} path @param {Record<string, unknown>} request what the handler reads (body, accountability)
 * @returns {Promise<{ status: number, body: any }>}
 */
export async function callRoute(routes, path, request) {
  /** @type {{ status: number, body: any }} */
  const answer = { status: 0, body: undefined };
  const res = {
    status(/** @type {number} */ code) {
      answer.status = code;
      return res;
    },
    json(/** @type {unknown} */ value) {
      answer.body = value;
    },
    end() {},
  };
  await routes[path]?.(request, res, (/** @type {unknown} */ error) => {
    throw error;
  });
  return answer;
}
