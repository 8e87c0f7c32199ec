// The chat client: signs in through the Cognito hosted UI (authorization code with PKCE), lists the user's
// conversations over the REST API and chats over the WebSocket API. Every URL and id comes from config.js
// (window.INFRA_CONFIG), which infra writes at deploy time for the environment.
/* global window, document, location, history, sessionStorage, crypto, fetch, btoa, URLSearchParams, TextEncoder, WebSocket */
'use strict'

const config = window.INFRA_CONFIG || {}
const $ = (id) => document.getElementById(id)
const REDIRECT_URI = `${location.origin}/auth/callback`
const SCOPES = 'openid email profile'

function show(text, isError = false) {
  $('status').textContent = text
  $('status').className = isError ? 'error' : ''
}

// --- Sign-in: authorization code + PKCE; tokens kept for this tab only. ---

const base64url = (bytes) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')

async function signIn() {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)))
  const state = base64url(crypto.getRandomValues(new Uint8Array(16)))
  sessionStorage.setItem('pkce', JSON.stringify({ verifier, state }))
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)))
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: config.userPoolClientId,
    redirect_uri: REDIRECT_URI,
    scope: SCOPES,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  })
  location.assign(`${config.hostedUiUrl}/oauth2/authorize?${query}`)
}

async function finishSignIn(params) {
  const saved = JSON.parse(sessionStorage.getItem('pkce') || '{}')
  sessionStorage.removeItem('pkce')
  if (!saved.state || saved.state !== params.get('state')) throw new Error('sign-in state does not match; try again')
  const response = await fetch(`${config.hostedUiUrl}/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: config.userPoolClientId,
      code: params.get('code'),
      redirect_uri: REDIRECT_URI,
      code_verifier: saved.verifier,
    }),
  })
  if (!response.ok) throw new Error(`sign-in failed: ${response.status} ${await response.text()}`)
  const tokens = await response.json()
  sessionStorage.setItem('idToken', tokens.id_token)
  history.replaceState(null, '', '/')
}

function signOut() {
  sessionStorage.removeItem('idToken')
  const query = new URLSearchParams({ client_id: config.userPoolClientId, logout_uri: `${location.origin}/` })
  location.assign(`${config.hostedUiUrl}/logout?${query}`)
}

const idToken = () => sessionStorage.getItem('idToken')

// --- Conversations over the REST API (the Cognito authorizer reads the ID token from Authorization). ---

async function api(path) {
  const response = await fetch(`${config.restApiUrl}${path}`, { headers: { Authorization: idToken() } })
  if (response.status === 401) {
    sessionStorage.removeItem('idToken')
    throw new Error('your session has expired; sign in again')
  }
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`)
  return response.json()
}

let conversationId

async function listConversations() {
  const { conversations } = await api('/conversations')
  const list = $('conversations')
  list.replaceChildren(
    ...conversations.map((c) => {
      const item = document.createElement('li')
      item.textContent = c.title || new Date(c.updated_at).toLocaleString()
      item.onclick = () => openConversation(c.conversation_id)
      return item
    }),
  )
}

async function openConversation(id) {
  conversationId = id
  const conversation = await api(`/conversations/${encodeURIComponent(id)}`)
  $('messages').replaceChildren()
  for (const m of conversation.messages || []) append(m.role, m.content)
}

function append(role, text) {
  const line = document.createElement('div')
  line.className = role
  line.textContent = text
  $('messages').append(line)
  $('messages').scrollTop = $('messages').scrollHeight
  return line
}

// --- Chat over the WebSocket API: $connect checks the ID token given as ?token=. ---

let socket
let answer

function connect() {
  return new Promise((resolve, reject) => {
    socket = new WebSocket(`${config.websocketUrl}?token=${encodeURIComponent(idToken())}`)
    socket.onopen = resolve
    socket.onerror = () => reject(new Error('could not connect to the chat'))
    socket.onclose = () => (socket = undefined)
    socket.onmessage = (event) => {
      const frame = JSON.parse(event.data)
      if (frame.type === 'chunk') {
        conversationId = frame.conversationId
        answer.textContent += frame.text
      } else if (frame.type === 'done') {
        listConversations().catch((e) => show(e.message, true))
      } else if (frame.type === 'error') {
        show(frame.message, true)
      }
    }
  })
}

async function send(event) {
  event.preventDefault()
  const message = $('message').value.trim()
  if (!message) return
  $('message').value = ''
  if (!socket || socket.readyState !== WebSocket.OPEN) await connect()
  append('user', message)
  answer = append('assistant', '')
  socket.send(JSON.stringify({ action: 'sendMessage', conversationId, message }))
}

async function start() {
  if (!config.hostedUiUrl || !config.userPoolClientId) {
    show('config.js has no Cognito settings: deploy with a cognito section in config.json', true)
    return
  }
  const params = new URLSearchParams(location.search)
  if (params.has('code')) await finishSignIn(params)
  $('sign-in').onclick = signIn
  $('sign-out').onclick = signOut
  $('new-chat').onclick = () => {
    conversationId = undefined
    $('messages').replaceChildren()
  }
  $('composer').onsubmit = (e) => send(e).catch((error) => show(error.message, true))
  const signedIn = Boolean(idToken())
  $('sign-in').hidden = signedIn
  $('sign-out').hidden = !signedIn
  $('new-chat').hidden = !signedIn
  $('composer').hidden = !signedIn
  if (!signedIn) return show('Sign in to see your conversations.')
  show('')
  await listConversations()
}

start().catch((error) => show(error.message, true))
