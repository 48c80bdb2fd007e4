/** The ?page= number: a positive whole number, or 1 for anything else. */
export function pageParam(url: URL, max = 100_000): number {
  const raw = url.searchParams.get("page");
  if (!raw || !/^\d{1,6}$/.test(raw)) return 1;
  const page = Number(raw);
  return page >= 1 && page <= max ? page : 1;
}
