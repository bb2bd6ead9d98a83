/**
 * A list input as text: one item per line, and commas also separate items unless each item is a
 * whole line (a `files` glob such as `deploy/{staging,prod}/*.yaml` holds commas of its own).
 * Items are trimmed; blank items and `#` comment lines are dropped. Every face reads list inputs
 * with this, and so does the loop guard when it reads a bump step's `files` out of a CI file.
 */
export function parseList(text: string, multiline: boolean): string[] {
  const lines = text.split(/\r?\n/);
  const items = multiline ? lines : lines.flatMap((line) => line.split(','));
  return items.map((item) => item.trim()).filter((item) => item !== '' && !item.startsWith('#'));
}
