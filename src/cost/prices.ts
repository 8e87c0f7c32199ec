// AWS list prices (on-demand, before the account-wide free tier, first pricing tier) that the cost estimate multiplies
// usage by. Dated and sourced so that a reader can check them; a region or model missing here is named in the report,
// never priced as zero. Update PRICES_READ with the figures.
export const PRICES_READ = '2026-12-03'

export const PRICE_SOURCES = {
  lambda: 'https://aws.amazon.com/lambda/pricing/',
  apiGateway: 'https://aws.amazon.com/api-gateway/pricing/',
  dynamodb: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  dynamodbProvisioned: 'https://aws.amazon.com/dynamodb/pricing/provisioned/',
  s3: 'https://aws.amazon.com/s3/pricing/',
  cloudfront: 'https://aws.amazon.com/cloudfront/pricing/',
  cognito: 'https://aws.amazon.com/cognito/pricing/',
  route53: 'https://aws.amazon.com/route53/pricing/',
  cloudwatch: 'https://aws.amazon.com/cloudwatch/pricing/',
  bedrock: 'https://aws.amazon.com/bedrock/pricing/',
} as const

/** `usd` for every `per` units: $0.20 per 1,000,000 requests. */
export interface Price {
  usd: number
  per: number
  unit: string
}

export type Architecture = 'arm64' | 'x86_64'

export interface TokenPrices {
  input: Price
  output: Price
}

/** Prices that differ by region. */
export interface RegionPrices {
  lambda: {
    requests: Price
    duration: Record<Architecture, Price>
    provisionedConcurrency: Record<Architecture, Price>
  }
  restApi: { requests: Price }
  websocket: { messages: Price; connectionMinutes: Price }
  dynamodb: { readRequestUnits: Price; writeRequestUnits: Price; storage: Price; rcuHours: Price; wcuHours: Price }
  s3: { storage: Price; putRequests: Price; getRequests: Price }
  cloudwatch: { alarms: Price; dashboards: Price; logsIngestion: Price; logsStorage: Price }
  /** By base model id (a cross-region inference profile's `us.` prefix removed). */
  bedrock: Record<string, TokenPrices>
}

/** Prices of the global services (billed the same whatever the stack's region). */
export interface GlobalPrices {
  cloudfront: { transfer: Price; httpsRequests: Price }
  cognito: { monthlyActiveUsers: Price }
  route53: { hostedZones: Price; queries: Price }
}

const per = (usd: number, count: number, unit: string): Price => ({ usd, per: count, unit })
const M = 1_000_000
const perThousandTokens = (input: number, output: number): TokenPrices => ({
  input: per(input, 1_000, 'input tokens'),
  output: per(output, 1_000, 'output tokens'),
})

const BEDROCK_US: Record<string, TokenPrices> = {
  'anthropic.claude-3-haiku-20240307-v1:0': perThousandTokens(0.00025, 0.00125),
  'anthropic.claude-3-5-haiku-20241022-v1:0': perThousandTokens(0.0008, 0.004),
  'anthropic.claude-3-5-sonnet-20240620-v1:0': perThousandTokens(0.003, 0.015),
  'anthropic.claude-3-5-sonnet-20241022-v2:0': perThousandTokens(0.003, 0.015),
  'anthropic.claude-3-7-sonnet-20250219-v1:0': perThousandTokens(0.003, 0.015),
  'anthropic.claude-sonnet-4-20250514-v1:0': perThousandTokens(0.003, 0.015),
  'amazon.nova-micro-v1:0': perThousandTokens(0.000035, 0.00014),
  'amazon.nova-lite-v1:0': perThousandTokens(0.00006, 0.00024),
  'amazon.nova-pro-v1:0': perThousandTokens(0.0008, 0.0032),
}

// US East (N. Virginia) and US West (Oregon) share these list prices.
const US: RegionPrices = {
  lambda: {
    requests: per(0.2, M, 'requests'),
    duration: { x86_64: per(0.0000166667, 1, 'GB-seconds'), arm64: per(0.0000133334, 1, 'GB-seconds') },
    provisionedConcurrency: {
      x86_64: per(0.0000041667, 1, 'GB-seconds'),
      arm64: per(0.0000033334, 1, 'GB-seconds'),
    },
  },
  restApi: { requests: per(3.5, M, 'requests') },
  websocket: { messages: per(1, M, 'messages'), connectionMinutes: per(0.25, M, 'connection minutes') },
  dynamodb: {
    readRequestUnits: per(0.125, M, 'read request units'),
    writeRequestUnits: per(0.625, M, 'write request units'),
    storage: per(0.25, 1, 'GB-months'),
    rcuHours: per(0.00013, 1, 'RCU-hours'),
    wcuHours: per(0.00065, 1, 'WCU-hours'),
  },
  s3: {
    storage: per(0.023, 1, 'GB-months'),
    putRequests: per(0.005, 1_000, 'PUT/COPY/POST/LIST requests'),
    getRequests: per(0.0004, 1_000, 'GET requests'),
  },
  cloudwatch: {
    alarms: per(0.1, 1, 'alarm-months'),
    dashboards: per(3, 1, 'dashboard-months'),
    logsIngestion: per(0.5, 1, 'GB ingested'),
    logsStorage: per(0.03, 1, 'GB-months'),
  },
  bedrock: BEDROCK_US,
}

export const REGION_PRICES: Readonly<Record<string, RegionPrices>> = {
  'us-east-1': US,
  'us-west-2': US,
}

export const GLOBAL_PRICES: GlobalPrices = {
  // Transfer and requests at the United States, Mexico and Canada / Europe edge rate (the first 10 TB).
  cloudfront: { transfer: per(0.085, 1, 'GB out'), httpsRequests: per(0.01, 10_000, 'HTTPS requests') },
  // The Essentials tier, beyond its free 10,000 MAUs.
  cognito: { monthlyActiveUsers: per(0.015, 1, 'monthly active users') },
  route53: { hostedZones: per(0.5, 1, 'hosted-zone-months'), queries: per(0.4, M, 'standard queries') },
}

export const costOf = (usage: number, price: Price): number => (usage / price.per) * price.usd

/** A cross-region inference profile (`us.anthropic…`) is billed as its model. */
export function bedrockPrices(region: RegionPrices, modelId: string): TokenPrices | undefined {
  return region.bedrock[modelId] ?? region.bedrock[modelId.replace(/^(us|eu|apac|global)\./, '')]
}
