// htmx 4's <hx-partial>: one response updates several places (htmx turns it into a <template>).
declare global {
  namespace JSX {
    interface IntrinsicElements {
      'hx-partial': HtmlTag & { 'hx-target': string; 'hx-swap'?: string }
    }
  }
}

/**
 * Content for another part of the page than the request's target, e.g. the new list beside the
 * reset form. Only in fragments for htmx partial requests: a full page never contains one.
 *
 * @example
 * <HxPartial target="#tribute-list" swap="outerHTML">{list}</HxPartial>
 */
export function HxPartial({ target, swap, children }: { target: string; swap: string; children?: JSX.Element }): JSX.Element {
  return (
    <hx-partial hx-target={target} hx-swap={swap}>
      {children as 'safe'}
    </hx-partial>
  )
}
