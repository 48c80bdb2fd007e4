import { useEffect, useState } from "react";

/**
 * Copies the codes to the clipboard. Shown only once JavaScript runs (and the browser offers the
 * clipboard): without it the codes are plain text to select, and no button that cannot work is shown.
 */
export function CopyCodesButton({ codes }: { codes: readonly string[] }) {
  const [canCopy, setCanCopy] = useState(false);
  const [said, setSaid] = useState("");
  useEffect(() => setCanCopy(typeof navigator !== "undefined" && typeof navigator.clipboard?.writeText === "function"), []);
  if (!canCopy) return null;
  const copy = () =>
    navigator.clipboard.writeText(codes.join("\n")).then(
      () => setSaid("Copied."),
      () => setSaid("They could not be copied: select them and copy them, or download them."),
    );
  return (
    <>
      <button type="button" className="secondary" onClick={copy}>
        Copy
      </button>
      <span aria-live="polite">{said}</span>
    </>
  );
}
