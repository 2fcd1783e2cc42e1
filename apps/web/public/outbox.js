/* global document, window, navigator, crypto, DOMParser, URL */
// The page side of the offline queue (docs/web.md "Offline queue"), on the submit, apply and contribute
// pages and on home and pending work. A form marked data-outbox is kept on the phone (IndexedDB, with
// its files) under a new idempotency key before it is sent; without a network it stays there, shown
// here with a Cancel, and is sent by Background Sync or, without it, when the phone is online again.
;(function () {
  'use strict'
  var box = window.vocesOutbox
  var list = document.querySelector('[data-outbox-list]')
  var tpl = document.querySelector('template[data-outbox-template]')
  if (!box || !list || !tpl || !window.indexedDB) return
  var part = function (name) { return tpl.content.querySelector('[data-part=' + name + ']').cloneNode(true) }
  var uuid = function () {
    if (crypto.randomUUID) return crypto.randomUUID()
    var b = crypto.getRandomValues(new Uint8Array(16))
    b[6] = (b[6] & 15) | 64
    b[8] = (b[8] & 63) | 128
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1) }).join('')
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20)
  }
  var urls = []
  // Whose page this is: a shared phone shows and sends each person only their own items.
  var owner = list.getAttribute('data-owner')
  var token = list.getAttribute('data-csrf')
  var mine = function (items) { return items.filter(function (i) { return i.owner === owner }) }
  // The phone's other open pages show the same queue: each change is told to them.
  var channel = window.BroadcastChannel ? new window.BroadcastChannel(box.TAG) : null
  var changed = function () { if (channel) channel.postMessage('changed'); return render() }
  if (channel) channel.onmessage = function () { render() }

  /** What the server said when it refused: its error lines with their speakers (never its links). */
  function reason(html) {
    var doc = new DOMParser().parseFromString(html, 'text/html')
    var lines = doc.querySelectorAll('.error-list li, [role=alert] > .with-speak')
    var out = document.createElement('div')
    Array.prototype.forEach.call(lines, function (line) {
      line.querySelectorAll('a:not(.speak)').forEach(function (a) {
        var s = doc.createElement('span')
        s.textContent = a.textContent
        Array.prototype.forEach.call(a.attributes, function (at) { if (at.name !== 'href') s.setAttribute(at.name, at.value) })
        a.replaceWith(s)
      })
      var p = document.createElement('p')
      p.appendChild(document.importNode(line, true))
      out.appendChild(p)
    })
    return out
  }

  function render() {
    return box.store.all().then(mine).then(function (items) {
      urls.forEach(function (u) { URL.revokeObjectURL(u) })
      urls = []
      list.hidden = items.length === 0
      var waiting = items.filter(function (i) { return i.state === 'waiting' }).length
      var count = list.querySelector('[data-outbox-count]')
      count.textContent = ''
      if (waiting > 0) {
        var line = part('count')
        line.querySelectorAll('*').forEach(function (el) {
          ;['aria-label', 'data-speak-text'].forEach(function (a) { if (el.hasAttribute(a)) el.setAttribute(a, el.getAttribute(a).replace('%n', waiting)) })
          if (el.children.length === 0) el.textContent = el.textContent.replace('%n', waiting)
        })
        count.appendChild(line)
      }
      var ul = list.querySelector('[data-outbox-items]')
      ul.textContent = ''
      items.forEach(function (item) {
        var li = part('item')
        li.setAttribute('data-outbox-item', item.state)
        li.querySelector('[data-outbox-label]').textContent = item.label
        li.querySelectorAll('[data-outbox-state]').forEach(function (el) { el.hidden = el.getAttribute('data-outbox-state') !== item.state })
        li.querySelectorAll('[data-when]').forEach(function (el) { el.hidden = el.getAttribute('data-when') !== item.state })
        var audio = item.files.filter(function (f) { return /^audio/.test(f.blob.type) || f.name === 'audio' })[0]
        if (item.state === 'refused') {
          li.querySelector('[data-outbox-reason]').appendChild(reason(item.reason || ''))
          var recorded = audio || item.files[0]
          if (recorded) {
            var u = URL.createObjectURL(recorded.blob)
            urls.push(u)
            var player = document.createElement('audio')
            player.controls = true
            player.src = u
            player.setAttribute('aria-label', item.label)
            if (audio) li.querySelector('[data-outbox-media]').appendChild(player)
            var dl = li.querySelector('[data-outbox-download]')
            dl.href = u
            dl.setAttribute('download', recorded.filename || 'recording.webm')
          }
        }
        var confirm = li.querySelector('[data-outbox-confirm]')
        li.addEventListener('click', function (e) {
          var act = e.target.closest && e.target.closest('[data-outbox-act]')
          if (!act) return
          var what = act.getAttribute('data-outbox-act')
          // Deleting a recording cannot be undone: asked first, as every irreversible action is.
          if (what === 'ask') { confirm.hidden = false; confirm.querySelector('[data-outbox-act=delete]').focus() }
          if (what === 'keep') confirm.hidden = true
          if (what === 'delete') box.store.remove(item.key).then(changed).then(function () { list.focus() })
        })
        ul.appendChild(li)
      })
      list.setAttribute('data-rendered', '')
    })
  }

  /** This person's items go with this page's session (a new login has a new CSRF token); the worker sends for them. */
  function claim() {
    return box.store.all().then(mine).then(function (items) {
      return Promise.all(items.map(function (i) { if (i.csrf === token) return null; i.csrf = token; return box.store.put(i) }))
    }).then(function () { return box.store.owner(owner) })
  }
  /** Asks the service worker to send the queue when the network is back; without Background Sync, this page does. */
  function wake() {
    var sw = navigator.serviceWorker
    claim().then(function () {
      if (sw && sw.controller) return sw.ready.then(function (reg) { return reg.sync ? reg.sync.register(box.TAG) : Promise.reject(new Error('no sync')) })
      if (navigator.onLine !== false) return flush()
    }).catch(flush)
  }
  function flush() { return claim().then(function () { return box.sendAll(owner) }).then(changed) }

  document.addEventListener('submit', function (e) {
    var form = e.target
    if (!form.hasAttribute || !form.hasAttribute('data-outbox')) return
    // Before upload.js: the queue sends the files itself (tus, resumable) after keeping them here.
    e.preventDefault()
    e.stopImmediatePropagation()
    var submitter = e.submitter
    var fields = []
    var files = []
    var data = new window.FormData(form)
    if (submitter && submitter.name) data.append(submitter.name, submitter.value)
    data.forEach(function (v, k) {
      if (typeof v === 'string') fields.push([k, v])
      else if (v.size > 0) files.push({ name: k, blob: v, filename: v.name })
    })
    var csrf = (form.querySelector('input[name=_csrf]') || {}).value || ''
    // form.action may name a field called "action" (the submit buttons): the attribute is the address.
    var item = { key: uuid(), owner: owner, action: new URL(form.getAttribute('action'), window.location.href).href, fields: fields, files: files, csrf: csrf, label: form.getAttribute('data-outbox-label') || document.title, resumable: form.hasAttribute('data-resumable'), state: 'waiting', uploads: {} }
    var buttons = form.querySelectorAll('button[type=submit]')
    buttons.forEach(function (b) { b.disabled = true })
    var status = form.querySelector('[data-upload-status]')
    var bar = status && status.querySelector('progress')
    var queued = function () {
      // What was kept is in the queue now: the form starts empty, so a second press cannot send it twice.
      form.reset()
      form.querySelectorAll('[data-recorder] audio').forEach(function (a) { a.hidden = true })
      buttons.forEach(function (b) { b.disabled = false })
      if (status) status.hidden = true
      return changed().then(wake)
    }
    box.store.put(item).then(function () {
      if (navigator.onLine === false) return queued()
      if (status && files.length) status.hidden = false
      return box.send(item, function (share) { if (bar) bar.value = Math.round(share * 100) }).then(function (r) {
        if (r.state === 'sent') return window.location.assign(r.url)
        if (r.state === 'waiting') return queued()
        // Refused at once: the server's page (the form with its problems and the files it kept), as without the queue.
        return box.store.remove(item.key).then(function () {
          document.open()
          document.write(r.html)
          document.close()
        })
      })
    })
  }, true)

  if (navigator.serviceWorker) navigator.serviceWorker.addEventListener('message', function (e) { if (e.data === box.TAG) render() })
  window.addEventListener('online', flush)
  list.tabIndex = -1
  render().then(function () { if (navigator.onLine !== false) flush() })
})()
