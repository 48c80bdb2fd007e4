import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime } from "#app/lib/format-date.ts";

describe("formatDate", () => {
  it("matches Intl's English medium date in UTC, for every month", () => {
    const intl = new Intl.DateTimeFormat("en", { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });
    for (let month = 0; month < 12; month++) {
      const iso = new Date(Date.UTC(2026, month, month + 1, 23, 59)).toISOString();
      expect(formatDate(iso)).toBe(intl.format(new Date(iso)));
    }
  });

  it("uses the UTC day, whatever the server's time zone", () => {
    expect(formatDate("2026-11-26T23:30:00.000Z")).toBe("Nov 26, 2026");
    expect(formatDate("2026-11-27T00:30:00+02:00")).toBe("Nov 26, 2026");
  });

  it("shows nothing for a date it cannot read", () => {
    expect(formatDate("not a date")).toBe("");
  });
});

describe("formatDateTime", () => {
  it("adds the UTC time, to the minute", () => {
    expect(formatDateTime("2026-12-02T09:05:59.000Z")).toBe("Dec 2, 2026, 09:05 UTC");
    expect(formatDateTime("nope")).toBe("");
  });
});
