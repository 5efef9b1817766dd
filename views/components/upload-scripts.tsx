import { assetUrl } from '@/http/assets'

/**
 * The scripts of a page with a photo upload form: static/photo-preview.js shows the chosen photos
 * before they are sent, and (`progress`, for forms marked `data-upload-progress`)
 * static/upload-progress.js sends the form with a progress bar. In the body, so htmx runs them after
 * a boosted visit too; only pages with an upload form load them. Without JavaScript the forms post
 * as plain multipart forms.
 */
export function UploadScripts({ progress = true }: { progress?: boolean }): JSX.Element {
  return (
    <>
      <script src={assetUrl('photo-preview.js')} defer></script>
      {progress ? <script src={assetUrl('upload-progress.js')} defer></script> : ''}
    </>
  )
}
