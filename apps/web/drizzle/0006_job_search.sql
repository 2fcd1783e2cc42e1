-- Search people can use (issue 14): accent- and case-insensitive, stemmed in Spanish and English,
-- ranked, over title, dialect and description, with a GIN index. Hand-written: drizzle-kit cannot
-- express extensions or text search configurations. The column is deliberately not in the Drizzle
-- model (jobs/model.ts says why): every `select()` of a job would otherwise carry it.
-- unaccent is a trusted extension (PostgreSQL 13+): the database owner may create it.
CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;
--> statement-breakpoint
-- Two configurations, each the stock one with accents stripped before stemming, so that "cancion",
-- "Canción" and "canciones" all become 'cancion'.
CREATE TEXT SEARCH CONFIGURATION web.search_es (COPY = pg_catalog.spanish);
--> statement-breakpoint
ALTER TEXT SEARCH CONFIGURATION web.search_es ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, spanish_stem;
--> statement-breakpoint
CREATE TEXT SEARCH CONFIGURATION web.search_en (COPY = pg_catalog.english);
--> statement-breakpoint
ALTER TEXT SEARCH CONFIGURATION web.search_en ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, english_stem;
--> statement-breakpoint
-- Stored, so ranking reads the vector instead of re-parsing every matching job. Weights: title A,
-- dialect B, description C.
ALTER TABLE web.jobs ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('web.search_es'::regconfig, title), 'A') ||
  setweight(to_tsvector('web.search_en'::regconfig, title), 'A') ||
  setweight(to_tsvector('web.search_es'::regconfig, dialect), 'B') ||
  setweight(to_tsvector('web.search_en'::regconfig, dialect), 'B') ||
  setweight(to_tsvector('web.search_es'::regconfig, description), 'C') ||
  setweight(to_tsvector('web.search_en'::regconfig, description), 'C')
) STORED;
--> statement-breakpoint
CREATE INDEX jobs_search_idx ON web.jobs USING gin (search_vector);
