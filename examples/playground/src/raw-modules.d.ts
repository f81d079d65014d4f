// Vite's `?raw` imports: a file's text as a string (the network lab shows its dataset generators' source).
declare module '*?raw' {
  const text: string;
  export default text;
}
