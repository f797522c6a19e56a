/** The API's descriptions mark code with backticks (Markdown, as OpenAPI allows); shown here as code. */
export function HelpText(props: { text: string }) {
  return <>{props.text.split('`').map((part, i) => (i % 2 === 1 ? <code key={i}>{part}</code> : part))}</>;
}
