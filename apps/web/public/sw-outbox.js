/* global self, indexedDB, fetch, FormData, URL, btoa, setTimeout */
// The offline queue's store and sender (docs/web.md "Offline queue"). Runs in the page (outbox.js) and in
// the service worker (sw.js: importScripts('/sw-outbox.js')), where Background Sync ('voces-outbox') wakes it.
// Each item is sent with its idempotency key: media first with the tus protocol (resuming after a drop),
// then the form. The server answers a retried key as the first time, so a lost answer never doubles.
;(function (g) {
  'use strict'
  var TAG = 'voces-outbox'
  var CHUNK = 256 * 1024
  var RETRY_MS = [500, 2000, 5000]
  function open() {
    return new Promise(function (resolve, reject) {
      var r = indexedDB.open('voces-outbox', 1)
      r.onupgradeneeded = function () {
        r.result.createObjectStore('items', { keyPath: 'key' })
        r.result.createObjectStore('meta')
      }
      r.onsuccess = function () { resolve(r.result) }
      r.onerror = function () { reject(r.error) }
    })
  }
  function tx(mode, fn, name) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(name || 'items', mode)
        var req = fn(t.objectStore(name || 'items'))
        t.oncomplete = function () { db.close(); resolve(req ? req.result : undefined) }
        t.onerror = function () { db.close(); reject(t.error) }
      })
    })
  }
  var store = {
    all: function () { return tx('readonly', function (s) { return s.getAll() }) },
    put: function (item) { return tx('readwrite', function (s) { s.put(item) }) },
    remove: function (key) { return tx('readwrite', function (s) { s.delete(key) }) },
    /** The person whose pages were open last: the worker sends only their items (a shared phone). */
    owner: function (id) {
      if (id === undefined) return tx('readonly', function (s) { return s.get('owner') }, 'meta')
      return tx('readwrite', function (s) { s.put(id, 'owner') }, 'meta')
    }
  }
  var b64 = function (s) { return btoa(unescape(encodeURIComponent(s))) }
  /** A network failure or a server that cannot answer now: the item waits for the next try. */
  function later() { return new Error('later') }

  /** One file through /uploads (media/uploads.ts), resuming from what the server has; its upload id, or null if refused. */
  function upload(item, f, headers, progress) {
    var known = item.uploads[f.name]
    var at = known
      ? fetch(known, { method: 'HEAD', headers: headers, credentials: 'same-origin' }).then(function (r) { return r.ok ? Number(r.headers.get('upload-offset')) : null })
      : Promise.resolve(null)
    return at.then(function (offset) {
      if (offset !== null && !isNaN(offset)) return patch(known, offset)
      var meta = 'kind ' + b64(f.name) + ',filename ' + b64(f.filename || f.name)
      return fetch('/uploads', { method: 'POST', headers: Object.assign({ 'upload-length': String(f.blob.size), 'upload-metadata': meta }, headers), credentials: 'same-origin' }).then(function (r) {
        if (r.status >= 500) throw later()
        if (r.status !== 201) return null
        var url = new URL(r.headers.get('location'), g.location.origin + '/uploads/').pathname
        item.uploads[f.name] = url
        return store.put(item).then(function () { return patch(url, 0) })
      })
    })
    function patch(url, offset) {
      if (offset >= f.blob.size) return url.split('/').pop()
      var h = Object.assign({ 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }, headers)
      return fetch(url, { method: 'PATCH', headers: h, body: f.blob.slice(offset, offset + CHUNK), credentials: 'same-origin' }).then(function (r) {
        // A refused file (type, size) is sent in the form instead: the server's answer then says why, in words.
        if (r.status >= 400 && r.status < 500) return null
        if (r.status !== 204) throw later()
        var next = Number(r.headers.get('upload-offset'))
        progress(next)
        return patch(url, next)
      })
    }
  }

  /**
   * Sends one item: 'sent' (with the page to open), 'waiting' (no network, or the server cannot answer
   * yet: nothing is lost) or 'refused' (the server's answer is kept, with its reason, on the phone).
   */
  function send(item, onProgress) {
    var headers = { 'tus-resumable': '1.0.0', 'csrf-token': item.csrf }
    var total = item.files.reduce(function (n, f) { return n + f.blob.size }, 0) || 1
    var done = 0
    var ids = {}
    var chain = Promise.resolve()
    item.uploads = item.uploads || {}
    item.files.forEach(function (f) {
      chain = chain.then(function () {
        if (!item.resumable) return
        var progress = function (n) { if (onProgress) onProgress((done + n) / total) }
        // A drop mid-upload: a few quick tries, each resuming where the server stopped; then the item waits.
        var attempt = function (k) {
          return upload(item, f, headers, progress).catch(function (e) {
            if (k >= RETRY_MS.length) throw e
            return new Promise(function (resolve) { setTimeout(resolve, RETRY_MS[k]) }).then(function () { return attempt(k + 1) })
          })
        }
        return attempt(0).then(function (id) {
          if (id) ids[f.name] = id
          done += f.blob.size
        })
      })
    })
    return chain
      .then(function () {
        var body = new FormData()
        item.fields.forEach(function (kv) { if (kv[0] !== 'idempotencyKey') body.append(kv[0], kv[1]) })
        body.append('idempotencyKey', item.key)
        item.files.forEach(function (f) {
          if (ids[f.name]) body.append(f.name + 'Upload', ids[f.name])
          else body.append(f.name, f.blob, f.filename || f.name)
        })
        return fetch(item.action, { method: 'POST', body: body, credentials: 'same-origin', redirect: 'follow' })
      })
      .then(function (r) {
        var path = new URL(r.url).pathname
        if (r.ok && r.redirected && path !== '/login') return store.remove(item.key).then(function () { return { state: 'sent', url: r.url } })
        return r.text().then(function (html) {
          // Still being handled (a request whose answer was lost), or the server cannot answer now: later.
          if (r.status >= 500 || html.indexOf('data-error="still_sending"') >= 0) return { state: 'waiting' }
          item.state = 'refused'
          item.reason = html
          return store.put(item).then(function () { return { state: 'refused', html: html } })
        })
      })
      .catch(function () { return { state: 'waiting' } })
  }

  var running = null
  /**
   * Sends the waiting items of the person signed in (the page says who; the worker takes the last person
   * a page named), one after the other, one run at a time here; resolves to how many still wait.
   */
  function sendAll(owner) {
    if (running) return running
    var left = 0
    running = Promise.all([store.all(), owner ? owner : store.owner()]).then(function (both) {
      var chain = Promise.resolve()
      both[0].forEach(function (item) {
        if (item.state !== 'waiting' || item.owner !== both[1]) return
        chain = chain.then(function () { return send(item) }).then(function (r) { if (r.state === 'waiting') left++ })
      })
      return chain
    }).then(function () { running = null; return left }, function () { running = null; return left + 1 })
    return running
  }

  g.vocesOutbox = { TAG: TAG, store: store, send: send, sendAll: sendAll }

  // In the service worker: Background Sync sends the queue, then tells the open pages to show it again.
  if (typeof g.ServiceWorkerGlobalScope !== 'undefined' && g instanceof g.ServiceWorkerGlobalScope) {
    g.addEventListener('sync', function (event) {
      if (event.tag !== TAG) return
      // Items still waiting fail the event: the browser fires it again later, with backoff.
      event.waitUntil(sendAll().then(function (left) {
        return g.clients.matchAll({ type: 'window' }).then(function (list) {
          list.forEach(function (c) { c.postMessage(TAG) })
          if (left > 0) throw new Error('still waiting')
        })
      }))
    })
  }
})(self)
