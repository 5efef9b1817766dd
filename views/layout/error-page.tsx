export interface ErrorProps {
  title: string
  message: string
}

/** The body of an error page, or alone as the fragment an htmx request swaps in. */
export function ErrorMessage({ title, message }: ErrorProps): JSX.Element {
  return (
    <section class="error-page" role="alert">
      <h1 safe>{title}</h1>
      <p safe>{message}</p>
      <p>
        <a href="/">Go to the home page</a>
      </p>
    </section>
  )
}
