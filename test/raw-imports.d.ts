/** Vite's `?raw` imports (a file's text), used by tests that check documents against the code. */
declare module "*.md?raw" {
  const text: string;
  export default text;
}
