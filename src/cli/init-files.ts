// What `infra init` writes: the smallest service `infra validate` and `infra plan --offline` accept, one table and
// one function, plus the sections asked for with --with.

export const INIT_FEATURES = ['rest', 'websocket', 'cognito'] as const
export type InitFeature = (typeof INIT_FEATURES)[number]

export interface InitOptions {
  name: string
  region: string
  /** Absent: a placeholder, and the next steps say to set it. */
  accountId?: string
  features: InitFeature[]
}

/** A 12-digit placeholder: valid, so validate passes; a deploy stops at the account check naming both accounts. */
export const PLACEHOLDER_ACCOUNT = '000000000000'

const HANDLER = 'handlers/api/index.ts'

function config(o: InitOptions): Record<string, unknown> {
  const has = (f: InitFeature) => o.features.includes(f)
  return {
    service_name: o.name,
    region: o.region,
    account_id: o.accountId ?? PLACEHOLDER_ACCOUNT,
    environment: 'dev',
    production_environments: ['production'],
    tags: { project: o.name },
    tables: { items: { partition_key: 'id' } },
    functions: {
      api: {
        description: `${o.name}: the API's handler`,
        source: HANDLER,
        tables: { items: 'read-write' },
      },
    },
    ...(has('rest')
      ? {
          rest_api: {
            cors: { allowed_origins: { '*': ['http://localhost:5173'] } },
            endpoints: [
              { path: '/items', methods: ['GET', 'POST', 'OPTIONS'], function: 'api', public: !has('cognito') },
            ],
          },
        }
      : {}),
    ...(has('websocket') ? { websocket_api: { routes: { $default: 'api' } } } : {}),
    ...(has('cognito')
      ? {
          cognito: {
            callback_urls: { '*': ['http://localhost:5173/auth/callback'] },
            logout_urls: { '*': ['http://localhost:5173/'] },
          },
        }
      : {}),
  }
}

function envFile(serviceName: string, environment: string, region: string): string {
  return [
    `# Names every resource of this environment: keep it different from every other environment's.`,
    `SERVICE_NAME=${serviceName}`,
    `ENVIRONMENT=${environment}`,
    `AWS_REGION=${region}`,
    '',
  ].join('\n')
}

const HANDLER_SOURCE = `// The service's one function: answers every route it is given (REST, WebSocket) with what it received.
interface Event {
  httpMethod?: string
  path?: string
  requestContext?: { routeKey?: string }
}

export const handler = async (event: Event) => ({
  statusCode: 200,
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({
    table: process.env.TABLE_ITEMS,
    method: event.httpMethod,
    path: event.path,
    route: event.requestContext?.routeKey,
  }),
})
`

/** Relative path → content, in the order they are written. */
export function initFiles(o: InitOptions): Record<string, string> {
  return {
    'config.json': `${JSON.stringify(config(o), null, 2)}\n`,
    'environments/dev.env': envFile(`${o.name}-dev`, 'dev', o.region),
    'environments/production.env': envFile(o.name, 'production', o.region),
    [HANDLER]: HANDLER_SOURCE,
  }
}
