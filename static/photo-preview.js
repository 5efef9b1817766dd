// Shows the photos chosen in an image file input next to it, before anything is uploaded, so a
// member sees they picked the right one. The files stay on the device (URL.createObjectURL); the
// form sends them as it would anyway. Without this script (JS off, or it failed to load) nothing
// changes: the browser names the chosen file, and the form posts the same.
;(function () {
  'use strict'
  var root = document.documentElement
  // htmx runs the scripts of pages it swaps in, so this may run again: listen once.
  if (root.hasAttribute('data-photo-preview-ready')) return
  root.setAttribute('data-photo-preview-ready', '')
  if (!window.URL || !URL.createObjectURL) return

  document.addEventListener('change', function (event) {
    var input = event.target
    if (!(input instanceof HTMLInputElement) || input.type !== 'file' || !/image/.test(input.accept)) return
    show(input)
  })

  function show(input) {
    var id = (input.id || input.name) + '-preview'
    var list = document.getElementById(id)
    if (list) {
      Array.prototype.forEach.call(list.querySelectorAll('img'), function (img) {
        URL.revokeObjectURL(img.src)
      })
      list.textContent = ''
    } else {
      list = document.createElement('ul')
      list.id = id
      list.className = 'photo-preview'
      list.setAttribute('aria-label', 'Chosen photos')
      input.insertAdjacentElement('afterend', list)
    }
    var files = Array.prototype.filter.call(input.files || [], function (file) {
      return /^image\//.test(file.type)
    })
    list.hidden = files.length === 0
    files.forEach(function (file) {
      var item = document.createElement('li')
      var img = document.createElement('img')
      img.alt = 'Chosen: ' + file.name
      img.width = 88
      img.height = 88
      // A format the browser cannot draw (HEIC on most) is still sent: show its name instead.
      img.onerror = function () {
        item.textContent = file.name
        item.className = 'photo-preview-name'
      }
      img.src = URL.createObjectURL(file)
      item.appendChild(img)
      list.appendChild(item)
    })
  }
})()
