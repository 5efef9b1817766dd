import { sql, type Kysely } from 'kysely'

// Every domain database gets PostGIS, so a domain can move to a database of its own unchanged.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create extension if not exists postgis`.execute(db)
}

export async function down(): Promise<void> {
  // Other domains may share this database and still use PostGIS: never drop it here.
}
