// "Turn on push notifications in this browser" in /settings (views/notifications/push-settings.tsx).
//
// The button stays hidden unless this browser can take push, and the permission prompt comes only
// after it is pressed (browsers also refuse to prompt otherwise). Pressing it asks for permission,
// subscribes through the service worker (/sw.js, registered by sw-register.js) with the server's
// VAPID key, and sends the subscription to /push/subscribe; the page then reloads to list this
// browser. Without JavaScript the section still manages preferences and browsers as plain forms.
;(function () {
  'use strict'
  var supported = 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window

  setUp()
  // htmx runs the scripts of pages it swaps in, so this may run again: listen once.
  var root = document.documentElement
  if (root.hasAttribute('data-push-subscribe-ready')) return
  root.setAttribute('data-push-subscribe-ready', '')
  document.addEventListener('click', function (event) {
    var button = event.target instanceof Element ? event.target.closest('[data-push-subscribe]') : null
    if (button) turnOn(button)
  })

  /** Shows the button where push can work, or says why it can't. */
  function setUp() {
    var box = document.querySelector('[data-push-key]')
    if (!box) return
    var status = box.querySelector('[data-push-status]')
    if (!supported) {
      status.textContent = 'This browser can’t receive push notifications; your notifications list has everything.'
      return
    }
    if (Notification.permission === 'denied') {
      status.textContent = 'Notifications are blocked for this site in your browser’s settings. Allow them there to turn push on.'
      return
    }
    status.textContent = ''
    box.querySelector('[data-push-tools]').hidden = false
  }

  function turnOn(button) {
    var box = button.closest('[data-push-key]')
    var status = box.querySelector('[data-push-status]')
    var say = function (text) {
      status.textContent = text
    }
    button.disabled = true
    Notification.requestPermission()
      .then(function (permission) {
        if (permission !== 'granted') throw new Error('Push stays off: notifications were not allowed.')
        say('Turning push on…')
        return navigator.serviceWorker.register('/sw.js').then(function () {
          return navigator.serviceWorker.ready
        })
      })
      .then(function (registration) {
        return registration.pushManager.getSubscription().then(function (existing) {
          return existing || registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: bytes(box.getAttribute('data-push-key')) })
        })
      })
      .then(function (subscription) {
        return fetch('/push/subscribe', {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(subscription.toJSON()),
        })
      })
      .then(function (response) {
        return response.json().then(function (answer) {
          if (!response.ok) throw new Error(answer.error || 'The server refused the subscription.')
          say('Push notifications are on in this browser.')
          window.location.reload()
        })
      })
      .catch(function (error) {
        say(error && error.message ? error.message : 'Push could not be turned on.')
        button.disabled = false
      })
  }

  /** The VAPID key (base64url) as the bytes PushManager wants. */
  function bytes(base64url) {
    var base64 = base64url.replace(/-/g, '+').replace(/_/g, '/')
    var raw = atob(base64 + '==='.slice((base64.length + 3) % 4))
    var out = new Uint8Array(raw.length)
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i)
    return out
  }
})()
