// Registers the service worker (/sw.js, from static/sw.js): memorials a visitor opened stay readable
// offline. Only loaded, and so only registered, with JavaScript on; a failure changes nothing.
if ('serviceWorker' in navigator) {
  window.addEventListener('load', function () {
    navigator.serviceWorker.register('/sw.js').catch(function () {})
  })
}
