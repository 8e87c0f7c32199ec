// Real RS256 JWTs signed by a key pair made here, shaped like Cognito ID tokens.
import { createSign, generateKeyPairSync, randomUUID } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import type { Jwks } from 'aws-jwt-verify/jwk'

export interface TestSigningKey {
  kid: string
  privateKey: KeyObject
  /** The JWKS the user pool would publish at /.well-known/jwks.json. */
  jwks: Jwks
}

export function createSigningKey(kid = randomUUID()): TestSigningKey {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const { kty, n, e } = publicKey.export({ format: 'jwk' })
  return { kid, privateKey, jwks: { keys: [{ kty: kty!, n: n!, e: e!, kid, alg: 'RS256', use: 'sig' }] } }
}

export function cognitoIssuer(region: string, userPoolId: string): string {
  return `https://cognito-idp.${region}.amazonaws.com/${userPoolId}`
}

export function signJwt(key: Pick<TestSigningKey, 'kid' | 'privateKey'>, payload: Record<string, unknown>): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url')
  const unsigned = `${encode({ alg: 'RS256', typ: 'JWT', kid: key.kid })}.${encode(payload)}`
  const signature = createSign('RSA-SHA256').update(unsigned).sign(key.privateKey).toString('base64url')
  return `${unsigned}.${signature}`
}

/** The claims of a Cognito ID token, valid for an hour from `now`. */
export function idTokenClaims(opts: {
  region: string
  userPoolId: string
  clientId: string
  sub: string
  nowS?: number
}): Record<string, unknown> {
  const iat = opts.nowS ?? Math.floor(Date.now() / 1000)
  return {
    sub: opts.sub,
    iss: cognitoIssuer(opts.region, opts.userPoolId),
    aud: opts.clientId,
    token_use: 'id',
    auth_time: iat,
    iat,
    exp: iat + 3600,
    'cognito:username': opts.sub,
    email: 'someone@example.com',
  }
}
