import { UploadScripts } from '@views/components/upload-scripts'
import type { Place } from '@/features/finder/gazetteer'
import type { ReportErrors, ReportInput } from '@/features/finder/report-input'
import { LIMITS } from '@/features/finder/report-input'
import { MAX_PHOTOS } from '@/features/finder/reports'
import {
  AGE_BANDS,
  COLOURS,
  FOUND_STATES,
  LABELS,
  PATTERNS,
  REPORT_KINDS,
  SEXES,
  YES_NO,
} from '@/features/finder/vocabulary'
import type { MediaPicture } from '@/features/media/service'
import { assetUrl } from '@/http/assets'
import { Choice, OptionGroup } from '@views/components/choice'
import { Field } from '@views/components/field'
import { Icon } from '@views/components/icon'
import { PHOTO_AGAIN } from '@views/components/photo-field'
import { Picture } from '@views/components/picture'
import { TextArea } from '@views/components/text-area'
import { PlaceFields, type MapSettings } from '@views/finder/place-fields'

export interface ReportFormProps {
  action: string
  submitLabel: string
  values: Partial<Omit<ReportInput, 'place'>> & { place?: Partial<ReportInput['place']>; photoAlt?: string }
  errors: ReportErrors & { form?: string }
  suggestions: Place[]
  map: MapSettings
  /** On edit: the photos the report shows now, each with a "keep" checkbox. */
  currentPhotos?: MediaPicture[]
  maxFilesPerUpload: number
  /** On edit, the stored time is shown in UTC (the offset field says 0), not the browser's zone. */
  timesInUtc?: boolean
  /** The refused form carried photos, which it did not keep. */
  photosDropped?: boolean
}

/** The fields of the optional second step: a refusal of any of them opens it. */
const DETAIL_FIELDS = ['colours', 'pattern', 'breed', 'sex', 'neutered', 'ageBand', 'microchipped', 'microchipNumber', 'collar', 'collarNote', 'reward'] as const

/**
 * The report form, new or edit, in two steps on one page: the essentials (lost or found, photos,
 * name, when, where, a line of description) and then, folded away in a <details> that opens
 * without JavaScript, what helps people recognise the cat. Publishing needs only the first. A plain
 * multipart form (htmx boosts it like any form; without JavaScript it posts and redirects). The
 * place script fills in the numbers from the map.
 */
export function ReportForm({ action, submitLabel, values, errors, suggestions, map, currentPhotos = [], maxFilesPerUpload, timesInUtc = false, photosDropped = false }: ReportFormProps): JSX.Element {
  // Editing a report opens the details: that is where a reporter comes back to add them.
  const detailsOpen = currentPhotos.length > 0 || Boolean(values.pattern && values.pattern !== 'unknown') || (values.colours?.length ?? 0) > 0
  return (
    <form class="stack report-form" method="post" action={action} enctype="multipart/form-data" novalidate>
      {errors.form ? (
        <p class="form-error" role="alert" safe>
          {errors.form}
        </p>
      ) : Object.keys(errors).length > 0 ? (
        <p class="form-error" role="alert">
          Some answers need another look: see the messages below.
        </p>
      ) : (
        ''
      )}
      <ol class="steps" aria-label="Steps">
        <li aria-current="step">The essentials</li>
        <li>Help people recognise her (optional)</li>
      </ol>
      <OptionGroup name="kind" legend="Is the cat lost or found?" type="radio" options={REPORT_KINDS} labels={{ lost: 'Lost: my cat is missing', found: 'Found: I found or saw a cat' }} checked={[values.kind ?? '']} error={errors.kind} pills />
      <OptionGroup name="found_state" legend="If found: where is the cat now?" type="radio" options={FOUND_STATES} labels={LABELS.foundState} checked={[values.foundState ?? '']} error={errors.foundState} />
      {currentPhotos.length > 0 && (
        <fieldset class="field">
          <legend>Current photos</legend>
          <span class="hint">Untick a photo to take it off the report.</span>
          <ul class="photo-choices">
            {currentPhotos.map((photo, index) => (
              <li>
                <label class="option">
                  <input type="checkbox" name="keep_photo" value={photo.id} checked />{' '}
                  <span safe>{`Keep photo ${index + 1}`}</span>
                </label>
                <Picture picture={photo} sizes="120px" class="thumb" />
              </li>
            ))}
          </ul>
        </fieldset>
      )}
      <div class="field">
        <label for="field-photos">{currentPhotos.length > 0 ? 'Add photos' : 'Photos'}</label>
        <span class="hint" id="field-photos-hint" safe>
          {`${photosDropped && !errors.photos ? `${PHOTO_AGAIN} ` : ''}Up to ${Math.min(maxFilesPerUpload, MAX_PHOTOS)} at a time, ${MAX_PHOTOS} in all: a clear face and the whole cat help most.`}
        </span>
        <input id="field-photos" name="photos" type="file" accept="image/*" multiple aria-describedby={errors.photos ? 'field-photos-hint field-photos-error' : 'field-photos-hint'} aria-invalid={errors.photos ? 'true' : undefined} />
        {errors.photos ? (
          <span class="error" id="field-photos-error" safe>
            {errors.photos}
          </span>
        ) : (
          ''
        )}
      </div>
      <Field name="photo_alt" label="Describe the photos" value={values.photoAlt} error={errors.photoAlt} hint="For people who can’t see them, e.g. “Biscuit, a ginger tabby”." maxlength={300} />
      <Field name="name" label="Cat’s name" value={values.name} error={errors.name} hint="Needed for a lost cat; for a found one, if a tag says it." maxlength={LIMITS.name} />
      <Field name="last_seen_at" label="Last seen (date and time)" type="datetime-local" value={values.lastSeenAt} error={errors.lastSeenAt} hint={timesInUtc ? 'In UTC (GMT).' : 'Your local time.'} required />
      <input type="hidden" name="timezone_offset" value={values.timezoneOffset ?? ''} data-timezone-offset />
      <PlaceFields legend="Where was the cat last seen?" values={values.place ?? {}} errors={errors} suggestions={suggestions} map={map} hint="A town or neighbourhood. Only a rounded spot (about 250 m) is ever shown to others." />
      <TextArea name="description" label="Description" value={values.description} error={errors.description} hint="A line or two: markings, temperament. Never your address or phone number." maxlength={LIMITS.description} rows={2} />

      <details class="report-details card" id="details" open={detailsOpen || DETAIL_FIELDS.some((field) => field in errors)}>
        <summary>
          <Icon name="plus" />
          Help people recognise her (optional)
        </summary>
        <p class="hint">Colours, pattern, age, chip and collar: a neighbour who sees a cat can tell it is yours. You can add these after publishing too.</p>
        <OptionGroup name="colours" legend="Colours" type="checkbox" options={COLOURS} labels={LABELS.colour} checked={values.colours ?? []} error={errors.colours} hint="Tick every colour in the coat." pills />
        <Choice name="pattern" label="Coat pattern" options={PATTERNS} labels={LABELS.pattern} value={values.pattern} error={errors.pattern} emptyLabel="Not sure" />
        <Field name="breed" label="Breed" value={values.breed} error={errors.breed} hint="If known, e.g. “Maine Coon”, or “moggy”." maxlength={LIMITS.breed} />
        <div class="filters">
          <Choice name="sex" label="Sex" options={SEXES} labels={LABELS.sex} value={values.sex ?? 'unknown'} error={errors.sex} />
          <Choice name="age_band" label="Age" options={AGE_BANDS} labels={LABELS.ageBand} value={values.ageBand ?? 'unknown'} error={errors.ageBand} />
          <Choice name="neutered" label="Neutered or spayed" options={YES_NO} labels={LABELS.yesNo} value={values.neutered ?? 'unknown'} error={errors.neutered} />
          <Choice name="microchipped" label="Microchipped" options={YES_NO} labels={LABELS.yesNo} value={values.microchipped ?? 'unknown'} error={errors.microchipped} />
        </div>
        <Field name="microchip_number" label="Microchip number" value={values.microchipNumber} error={errors.microchipNumber} hint="Private: only you see it. Give it to a vet or shelter, never to someone who asks for it in a message." maxlength={LIMITS.microchipNumber} autocomplete="off" />
        <Choice name="collar" label="Collar" options={YES_NO} labels={LABELS.yesNo} value={values.collar ?? 'unknown'} error={errors.collar} />
        <Field name="collar_note" label="About the collar" value={values.collarNote} error={errors.collarNote} hint="Colour, bell, tag…" maxlength={LIMITS.collarNote} />
        <Field name="reward" label="Reward (optional)" value={values.reward} error={errors.reward} hint="E.g. “£100”. Pay only once your cat is home." maxlength={LIMITS.reward} />
      </details>
      <button type="submit" safe>
        {submitLabel}
      </button>
      <script src={assetUrl('finder-place.js')} defer></script>
      <UploadScripts progress={false} />
    </form>
  )
}

export function ReportFormPage({ title, form }: { title: string; form: JSX.Element }): JSX.Element {
  return (
    <>
      <h1 safe>{title}</h1>
      <p class="muted">Everything here is public except the exact spot and the microchip number. People reach you through messages on Nine Lives, never by email or phone.</p>
      {form as 'safe'}
    </>
  )
}
