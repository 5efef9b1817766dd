// Upload progress for plain multipart forms marked `data-upload-progress="<id of their region>"`.
//
// htmx sends with fetch, which reports no upload progress, so these forms are sent with
// XMLHttpRequest instead, as an htmx partial request, and the server answers the way it answers htmx:
// success names the page to go to in `HX-Redirect`; a refusal (413, 415, 422) is the region
// re-rendered with its messages, which replaces the old one; any other error page's message is shown
// in the form's status line. Without this script (JS off, or it failed to load) the form submits
// normally and everything works the same, minus the progress bar.
;(function () {
  'use strict'
  var root = document.documentElement
  // htmx runs the scripts of pages it swaps in, so this may run again: listen once.
  if (root.hasAttribute('data-upload-progress-ready')) return
  root.setAttribute('data-upload-progress-ready', '')
  if (!window.XMLHttpRequest || !window.FormData || !window.DOMParser) return

  document.addEventListener('submit', function (event) {
    var form = event.target
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-upload-progress')) return
    if (event.defaultPrevented) return
    event.preventDefault()
    send(form, event.submitter || form.querySelector('button[type=submit], button:not([type])'))
  })

  function send(form, button) {
    if (form.hasAttribute('aria-busy')) return // a second click while the first is on its way
    var region = form.getAttribute('data-upload-progress')
    var progress = form.querySelector('progress')
    var status = form.querySelector('[role=status]')
    var say = function (text) {
      if (status) status.textContent = text
    }
    var finish = function () {
      form.removeAttribute('aria-busy')
      if (button) button.disabled = false
      if (progress) progress.hidden = true
    }

    var xhr = new XMLHttpRequest()
    xhr.open('POST', form.action)
    xhr.setRequestHeader('HX-Request', 'true')
    xhr.setRequestHeader('HX-Request-Type', 'partial')
    xhr.upload.onprogress = function (event) {
      if (progress && event.lengthComputable) progress.value = Math.round((100 * event.loaded) / event.total)
    }
    xhr.upload.onload = function () {
      if (progress) progress.removeAttribute('value') // indeterminate: the server is working now
      say('Uploaded. Preparing your photo…')
    }
    xhr.onload = function () {
      var next = xhr.getResponseHeader('HX-Redirect')
      if (xhr.status < 300 && next) {
        say('Done.')
        window.location.assign(next)
        return
      }
      finish()
      var page = new DOMParser().parseFromString(xhr.responseText, 'text/html')
      var fresh = region && page.getElementById(region)
      var old = region && document.getElementById(region)
      if (fresh && old) {
        var placed = document.importNode(fresh, true)
        old.replaceWith(placed)
        var problem = placed.querySelector('[aria-invalid="true"]')
        if (problem) problem.focus()
        return
      }
      var alert = page.querySelector('[role=alert]')
      say(alert ? alert.textContent.replace(/\s+/g, ' ').trim() : 'Something went wrong. Please try again.')
    }
    xhr.onerror = function () {
      finish()
      say('The upload did not get through. Please check your connection and try again.')
    }

    form.setAttribute('aria-busy', 'true')
    if (button) button.disabled = true
    if (progress) {
      progress.value = 0
      progress.hidden = false
    }
    say('Uploading…')
    xhr.send(new FormData(form))
  }
})()
