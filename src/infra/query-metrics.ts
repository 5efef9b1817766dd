/**
 * Times every query of a data domain (`db_query_duration_seconds`), as a Kysely plugin added to
 * that domain's handle in src/infra/db.ts. A query is named by its kind and first table
 * ("select posts", "insert likes"; "raw" for `sql` templates), never by its SQL: the label must stay
 * a small set. The time runs from compiling the query to its result, waiting for a connection
 * included; a query that fails is not timed.
 */
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely'
import { dbQueryDuration, metricsEnabled } from '@/infra/metrics'

type QueryId = PluginTransformQueryArgs['queryId']

export function queryMetrics(domain: string): KyselyPlugin {
  const started = new WeakMap<QueryId, { at: number; query: string }>()
  return {
    transformQuery({ queryId, node }: PluginTransformQueryArgs): RootOperationNode {
      if (metricsEnabled()) started.set(queryId, { at: performance.now(), query: queryName(node) })
      return node
    },
    async transformResult({ queryId, result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      const start = started.get(queryId)
      if (start) {
        started.delete(queryId)
        dbQueryDuration.observe({ domain, query: start.query }, (performance.now() - start.at) / 1000)
      }
      return result
    },
  }
}

const VERBS: Partial<Record<RootOperationNode['kind'], string>> = {
  SelectQueryNode: 'select',
  InsertQueryNode: 'insert',
  UpdateQueryNode: 'update',
  DeleteQueryNode: 'delete',
  MergeQueryNode: 'merge',
  RawNode: 'raw',
}

/** "select posts": the kind of query and the first table it names (schema-changing queries by kind). */
export function queryName(node: RootOperationNode): string {
  const verb = VERBS[node.kind] ?? node.kind.replace(/Node$/, '')
  const table = firstTable(node)
  return table ? `${verb} ${table}` : verb
}

function firstTable(node: RootOperationNode): string | null {
  switch (node.kind) {
    case 'SelectQueryNode':
    case 'DeleteQueryNode':
      return tableName(node.from?.froms[0])
    case 'InsertQueryNode':
      return tableName(node.into)
    case 'UpdateQueryNode':
      return tableName(node.table)
    case 'MergeQueryNode':
      return tableName(node.into)
    default:
      return null
  }
}

/** The name in a TableNode, or in an aliased one; null for a subquery or anything else. */
function tableName(node: unknown): string | null {
  if (typeof node !== 'object' || node === null || !('kind' in node)) return null
  if (node.kind === 'AliasNode' && 'node' in node) return tableName(node.node)
  if (node.kind === 'TableNode' && 'table' in node) {
    const table = node.table
    if (typeof table === 'object' && table !== null && 'identifier' in table) {
      const identifier = table.identifier
      if (typeof identifier === 'object' && identifier !== null && 'name' in identifier && typeof identifier.name === 'string') return identifier.name
    }
  }
  return null
}
