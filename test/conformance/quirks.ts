// Named differences of pouchdb-server 4.2 (PouchDB 7 on MemDOWN behind express-pouchdb) from CouchDB 3.4.3, found by
// running this suite through @settee/http against it. A backend lists the quirks it has; a test broken by one is
// skipped on that backend only, with the quirk's name and what the server does instead. The engines and a real
// CouchDB (COUCHDB_URL) have no quirks and are held to CouchDB's recorded answers everywhere. Entries are
// "<file>: <test title>" (file without .test.ts; it.each titles as vitest prints them).
import type { Backend } from './backends.js';

interface QuirkInfo {
  /** What the server does instead of what CouchDB does. */
  readonly differs: string;
  /** The tests whose assertions it breaks. */
  readonly tests: readonly string[];
}

const POUCHDB_SERVER = {
  'crashes-on-attachment-without-data': {
    differs: 'an inline attachment with neither data nor stub crashes the whole server process (binaryMd5 of undefined)',
    tests: ["attachments: rejects 'neither data nor stub' with 400 Invalid attachment data"],
  },
  'no-attachment-encoding': {
    differs: 'attachments are stored as they are, never gzip-compressed, so `att_encoding_info` adds no `encoding` or `encoded_length`',
    tests: [
      'attachments: compresses a text attachment to the very bytes CouchDB stores: its digest and encoded_length',
      'attachments: adds encoding gzip and encoded_length (the gzip length) to compressed attachments only',
      'attachments: compresses exactly the compressible types: text/*, JSON, JavaScript, XML (with parameters)',
      'attachments: attachments: true with att_encoding_info inlines the plain data and adds the encoding members',
      'attachments: a stub kept across revisions keeps its encoding members',
      'attachments: open_revs, bulkGet, allDocs and changes with include_docs honour it',
      'attachments: view rows with include_docs honour it',
      'attachments: a replicated revision (new_edits: false with data) ends with the same encoding members',
    ],
  },
  'crashes-on-changes-filter-errors': {
    differs: 'a `_changes` request whose design-document or `_view` filter fails (missing design document, function or view) answers 404 "missing", then crashes the whole server process (an unhandled error event in pouchdb-changes-filter)',
    tests: [
      'changes: answers 404 for a missing filter function or view and 400 without a view',
      'changes: fails with 404 when the design document or filter function is missing',
    ],
  },
  'changes-filter-on-winner-only': {
    differs: 'changes filters look at the winning revision only: with style all_docs a losing leaf that passes is left out when the winner fails',
    tests: ['changes: judges each leaf with style all_docs; a function sees _conflicts and at most 20 _revisions'],
  },
  'no-design-changes-filter': {
    differs: "the builtin `_design` changes filter is unknown: `filter: '_design'` is looked up as a design document and answers 404 missing",
    tests: ['changes: a _design feed from since=0 first emits the past design changes'],
  },
  'rev-hashes': {
    differs: "revision ids are the md5 of PouchDB's own JSON of the body, not CouchDB's hash, so every recorded revision differs (and recorded revisions given back as `_rev` conflict)",
    tests: [
      "all-docs: lists live documents in raw id order; deleted and _local documents are absent",
      "all-docs: include_docs adds each winning document; conflicts adds _conflicts to it",
      "all-docs: conflicts without include_docs changes nothing",
      "all-docs: keeps the order of keys, repeats, gives error rows for missing ids and deleted rows for deleted ones",
      "all-docs: with include_docs a deleted key has doc null",
      "all-docs: descending reverses the keys; limit and skip apply to them",
      "all-docs: refuses keys together with startkey",
      "all-docs: key selects one row; offset counts the rows before it",
      "all-docs: startkey/endkey are inclusive unless inclusive_end is false",
      "all-docs: compares raw: uppercase, then \"_\", then lowercase",
      "all-docs: descending reverses the order and needs the range swapped",
      "all-docs: an unswapped range answers no rows, without an error",
      "all-docs: limit, skip (reflected in offset) and limit 0",
      "all-docs: update_seq adds the database sequence",
      "all-docs: lists only _local documents, with null total_rows and offset",
      "attachments: each put makes a new revision; the document shows stubs with content_type, digest, length, revpos",
      "attachments: getAttachment answers the exact bytes with their metadata, also as of an older revision",
      "attachments: attachments: true inlines base64 data (without length or stub)",
      "attachments: atts_since inlines only attachments changed after the given revisions",
      "attachments: revs_info and stubs appear together",
      "attachments: needs the current rev on an existing document: 409 without one or with a stale one",
      "attachments: creates the document when it does not exist; names may contain \"/\"",
      "attachments: removeAttachment makes a new revision; the attachment is then missing",
      "attachments: removeAttachment with a stale rev is a 409, or a 404 when that revision lacks the attachment",
      "attachments: answers \"Document is missing attachment\" for an unknown name and \"missing\" for an unknown doc",
      "attachments: stores base64 data as a stub with revpos; a stub carries it over; leaving it out drops it",
      "attachments: keeps the stubs of a standalone attachment across a document update",
      "bad-input: 'a number as _id': 400 'illegal_docid', nothing written",
      "bad-input: 'an empty _id': 400 'illegal_docid', nothing written",
      "bad-input: 'an _id starting with \"_\"': 400 'illegal_docid', nothing written",
      "bad-input: 'an attachment on an _id starting with…': 400 'illegal_docid', nothing written",
      "bad-input: 'a _foo member': 400 'doc_validation', nothing written",
      "bad-input: 'a string as _deleted': 400 'doc_validation', nothing written",
      "bad-input: 'null as _deleted': 400 'doc_validation', nothing written",
      "bad-input: 'a list as _attachments': 400 'doc_validation', nothing written",
      "bad-input: 'a list as _revisions': 400 'doc_validation', nothing written",
      "bad-input: 'a text _revisions.start': 400 'doc_validation', nothing written",
      "bad-input: 'a text _revisions.ids': 400 'doc_validation', nothing written",
      "bad-input: 'a number in _revisions.ids': 400 'doc_validation', nothing written",
      "bad-input: 'get with atts_since [\"bad\"]': 400 'bad_request', nothing written",
      "bad-input: 'get with atts_since \"x\"': 400 'bad_request', nothing written",
      "bad-input: 'open_revs [\"bad\"]': 400 'bad_request', nothing written",
      "bad-input: 'open_revs \"1-abc\" (not a list)': 400 'bad_request', nothing written",
      "bad-input: 'an array as document': 400 'bad_request', nothing written",
      "bad-input: 'a string as document': 400 'bad_request', nothing written",
      "bad-input: '_rev \"abc\"': 400 'bad_request', nothing written",
      "bad-input: 'options.rev \"abc\"': 400 'bad_request', nothing written",
      "bad-input: 'get with rev \"abc\"': 400 'bad_request', nothing written",
      "bad-input: 'remove with rev \"abc\"': 400 'bad_request', nothing written",
      "bad-input: 'revsDiff with rev \"abc\"': 400 'bad_request', nothing written",
      "bad-input: 'body _rev and options.rev that differ': 400 'bad_request', nothing written",
      "bad-input: 'bulkDocs with an object instead of an…': 400 'bad_request', nothing written",
      "bad-input: 'bulkDocs with a number as document': 400 'bad_request', nothing written",
      "bad-input: 'bulkDocs with new_edits false and no …': 400 'bad_request', nothing written",
      "bad-input: 'bulkDocs with one illegal _id': 400 'illegal_docid', nothing written",
      "bad-input: 'bulkDocs updating with one malformed …': 400 'bad_request', nothing written",
      "bad-input: 'allDocs with limit -1': 400 'query_parse_error', nothing written",
      "bad-input: 'allDocs with include_docs \"yes\"': 400 'query_parse_error', nothing written",
      "bad-input: 'allDocs with keys not an array': 400 'bad_request', nothing written",
      "bad-input: 'allDocs with keys and startkey': 400 'query_parse_error', nothing written",
      "bad-input: 'changes since \"garbage\"': 400 'bad_request', nothing written",
      "bad-input: 'changes since \"-1\"': 400 'bad_request', nothing written",
      "bad-input: 'changes with filter \"bogus\"': 400 'bad_request', nothing written",
      "bad-input: 'changes _doc_ids with a string': 400 'bad_request', nothing written",
      "bad-input: 'changes _selector without selector': 400 'bad_request', nothing written",
      "bad-input: 'inline attachment with invalid base64': 400 'bad_request', nothing written",
      "bad-input: 'attachment name starting with \"_\"': 400 'bad_request', nothing written",
      "bad-input: 'attachment on a _local doc': 400 'bad_request', nothing written",
      "bulk: inserts, updates and deletes with per-document conflict entries, in request order",
      "bulk: a document without _rev rejects the whole request",
      "bulk: 'an illegal _id' in one document fails the request with 400 'illegal_docid'",
      "bulk: 'a _foo member' in one document fails the request with 400 'doc_validation'",
      "bulk: 'a malformed _rev' in one document fails the request with 400 'bad_request'",
      "bulk: answers a doc, an old rev, a missing doc (\"undefined\" rev) and a missing rev",
      "bulk: revs adds _revisions; latest turns an old rev into the leaf",
      "bulk: without rev answers every leaf of a conflicted doc, and the tombstone of a deleted one",
      "bulk: answers an entry without id and an entry with a malformed rev with error entries",
      "bulk: lists missing revisions with the leaves that could be their ancestors",
      "bulk: answers {} when nothing is missing",
      "bulk: rejects a malformed rev",
      "changes: lists each document once at its latest change, in sequence order, without _local docs",
      "changes: limit pages the feed; pending counts the rest; since continues after last_seq",
      "changes: descending reverses the feed; last_seq is the last row sent",
      "changes: since now and since last_seq answer nothing",
      "changes: include_docs adds the winning document, the tombstone for a deleted one",
      "changes: style all_docs lists every leaf, the winner first",
      "changes: conflicts adds _conflicts to included documents and does nothing without include_docs",
      "changes: _doc_ids keeps the listed documents; pending counts the others",
      "changes: _doc_ids without a list of ids is a 400",
      "changes: _selector matches winning revisions only",
      "changes: _selector can match tombstones",
      "changes: _selector without a selector is a 400",
      "changes: _design keeps design documents",
      "changes: rejects a malformed filter name and answers 404 for a missing design document",
      "changes: answers at once when there are changes",
      "changes: answers an empty result after the timeout when nothing changes",
      "changes: wakes up on the first later write, long before the timeout",
      "changes: a filtered longpoll goes on waiting through changes its filter leaves out",
      "changes: emits existing changes, then each later write exactly once, in order",
      "changes: resumes after a given since, and since now skips history",
      "changes: applies filters and include_docs",
      "changes: stops emitting once unsubscribed",
      "databases: db(name) does no I/O: a handle taken before creation works once the database exists",
      "databases: accepts $ ( ) + / - and stores documents under such a name",
      "databases: counts live and deleted documents and the JSON size of leaf bodies",
      "databases: defaults _revs_limit to 1000 and stores a new one",
      "documents: post generates a 32-hex id; the revision depends on the body only",
      "documents: post keeps a given _id, and conflicts when it exists",
      "documents: put creates with the recorded revision and get returns the body with _id and _rev",
      "documents: stores unicode and slash ids as given",
      "documents: reproduces doc1: body _rev, options.rev, delete and re-create continue the generation",
      "documents: rejects an update without rev, with a stale rev and with an unknown rev with 409, writing nothing",
      "documents: rejects a body _rev that differs from options.rev",
      "documents: accepts a made-up _rev for a new document: it starts at generation 2",
      "documents: silently drops the read-only special members and an empty _attachments",
      "documents: new_edits: false stores the given revision as is, creating conflicts instead of rejecting",
      "documents: deletes with the current rev, answers 404 deleted, and keeps the tombstone readable by rev",
      "documents: re-creates a deleted document without rev; old revisions stay readable until compaction",
      "documents: _deleted: true on a new id writes a tombstone",
      "documents: deleting through put keeps the given body in the tombstone",
      "documents: handles design documents like other documents",
      "documents: local_seq gives the integer sequence of the document’s last update",
      "local-docs: count revisions 0-N and ignore MVCC: no rev and wrong revs are accepted",
      "local-docs: delete to rev 0-0 and then read as missing, not deleted",
      "local-docs: are listed by localDocs only: not in allDocs, the changes feed or the counts",
      "revisions: revs gives _revisions newest first, across a deletion",
      "revisions: revs_info gives each revision on the path with available/deleted status",
      "revisions: rev with latest answers the newest leaf descending from that revision",
      "revisions: rejects a malformed rev with 400 Invalid rev format",
      "revisions: get answers the winner only, without conflict markers",
      "revisions: conflicts lists live losing leaves; deleted_conflicts lists deleted leaves",
      "revisions: meta gives revs_info, conflicts and deleted_conflicts together",
      "revisions: rev with latest on the main branch answers its leaf",
      "revisions: 'all' answers every leaf, deleted ones included, in revision order",
      "revisions: 'all' with revs adds each leaf's _revisions",
      "revisions: a list answers each revision asked for, or {missing} for an unknown one",
      "revisions: a non-leaf revision answers itself, or its leaf with latest",
      "revisions: with latest, a leaf reached from two listed revisions is answered once",
      "revisions: delwin: a live leaf beats a deleted leaf of a higher generation",
      "revisions: when every leaf is deleted, the document reads as deleted",
      "seeds: creates \"playlist\", posts mySongs, reads it back, updates with the rev and refuses the stale rev",
      "seeds: inserts s1..s4 with the printed revisions",
      "seeds: deletes s3 to the printed tombstone rev; inserting s3 again continues at generation 3",
      "seeds: bulk-deletes with one wrong rev: per-document results as printed",
      "seeds: bulk-updates s1 and s2, floats included",
    ],
  },
  'no-database-name-rules': {
    differs: "applies no database name rules: illegal and over-long names are created or read",
    tests: [
      "bad-input: illegal database names create nothing",
      "databases: reads and deletes of an illegal name answer 404, not 400",
      "databases: rejects \"Bad\" with illegal_database_name and creates nothing",
      "databases: rejects \"_x\" with illegal_database_name and creates nothing",
      "databases: rejects \"1abc\" with illegal_database_name and creates nothing",
      "databases: rejects \"a b\" with illegal_database_name and creates nothing",
      "databases: rejects \"a.b\" with illegal_database_name and creates nothing",
      "databases: rejects \"a@b\" with illegal_database_name and creates nothing",
      "databases: rejects \"A\" with illegal_database_name and creates nothing",
      "databases: rejects \"__user1\" with illegal_database_name and creates nothing",
      "databases: rejects \"_nonexistent\" with illegal_database_name and creates nothing",
      "databases: rejects \"p q\" with illegal_database_name and creates nothing",
      "databases: rejects a 239-character name with database_name_too_long",
    ],
  },
  'different-error-reasons': {
    differs: "refuses with other error names or reasons than CouchDB (e.g. \"Document update conflict\" without the period, \"no_db_file\" or \"missing\" for a missing database)",
    tests: [
      "attachments: a stub for an attachment the document does not have is 412 missing_stub",
      "attachments: rejects 'invalid base64' with 400 Invalid attachment data",
      "attachments: rejects attachment names starting with \"_\"",
      "bulk: the same id twice in one request: the first wins, the second conflicts",
      "databases: rejects creating an existing database with 412 file_exists",
      "databases: deletes a database and everything in it; re-creating starts empty",
      "databases: answers 404 \"Database does not exist.\" for a missing database",
      "documents: put refuses ids starting with \"_\" other than _design/ and _local/",
      "documents: post refuses ids starting with \"_\" other than _design/ and _local/",
      "bad-input: 'a bare _design/ as _id': 400 'illegal_docid', nothing written",
      "bad-input: 'a bare _local/ as _id': 400 'illegal_docid', nothing written",
    ],
  },
  'lax-document-validation': {
    differs: "accepts what CouchDB refuses: empty and non-string ids, invalid design document members, attachments on _local documents",
    tests: [
      "attachments: _local documents do not accept attachments",
      "documents: refuses an empty id and a non-string id",
      "documents: validates design document members",
    ],
  },
  'lax-security-objects': {
    differs: '_security accepts names and roles that are not lists of strings',
    tests: ['databases: refuses a _security object whose names or roles are not lists of strings, and writes nothing'],
  },
  'dashed-uuids-any-count': {
    differs: "_uuids answers dashed v4 UUIDs and accepts any count",
    tests: [
      "bad-input: uuids with a negative count",
      "databases: generates uuids: 32 lowercase hex characters, distinct",
      "databases: rejects uuid counts below 0 and above 1000",
    ],
  },
  'short-db-info': {
    differs: "database info lacks doc_del_count, sizes, purge_seq, compact_running and cluster (q, n)",
    tests: [
      "databases: creates a database that starts empty",
      "databases: records q and n given at creation",
      "databases: does not move doc counts for a rejected write",
    ],
  },
  'ids-in-utf16-order': {
    differs: "_all_docs orders ids by JavaScript (UTF-16 code unit) comparison, not by UTF-8 bytes",
    tests: [
      "all-docs: orders mixed case, digits, symbols and non-ASCII ids by their UTF-8 bytes",
      "all-docs: puts characters above U+FFFF after U+E000-U+FFFF, as UTF-8 bytes do (not UTF-16 code units)",
    ],
  },
  'doc-validation-is-500': {
    differs: "refuses unknown `_` members with doc_validation but HTTP status 500, not 400",
    tests: [
      "documents: put refuses unknown top-level \"_\" members with doc_validation",
      "documents: post refuses unknown top-level \"_\" members with doc_validation",
    ],
  },
  'changes-without-pending': {
    differs: "_changes answers integer seqs and no `pending` member",
    tests: [
      "changes: is empty for a new database",
    ],
  },
  'express-pouchdb-welcome': {
    differs: "GET / answers express-pouchdb's welcome (`express-pouchdb: \"Welcome!\"`), without `couchdb: \"Welcome\"`",
    tests: [
      "databases: answers the welcome object",
    ],
  },
  'all-dbs-ignores-parameters': {
    differs: "_all_dbs ignores startkey, endkey, limit, skip, descending and inclusive_end",
    tests: [
      "databases: lists databases in byte order with ranges, limit, skip, descending and inclusive_end",
    ],
  },
  'local-docs-differ': {
    differs: "_local documents keep MVCC and rev history like other documents, and there is no _local_docs endpoint",
    tests: [
      "local-docs: keep no history: revs shows only the current rev",
    ],
  },
  'no-revs-limit': {
    differs: "_revs_limit and _purged_infos_limit are not implemented (404), and a bare JSON number body is refused as invalid_json",
    tests: [
      "databases: defaults _purged_infos_limit to 1000, stores a new one and refuses one that is not a positive integer",
      "revisions: keeps only revs_limit revisions of history once the document is written again",
      "revisions: a lowered revs_limit cuts _revisions on every read before the document is written again",
      "revisions: compaction stems every document to a lowered revs_limit (couch_bt_engine_compactor)",
    ],
  },
  'view-query-checks': {
    differs: "PouchDB's map/reduce accepts grouping on map rows, `group=false` with `group_level`, `reduce=true` on a map-only view, every `update`, `stable` and `sorted` value, `keys` with a `group_level`, `conflicts` on reduced queries, and words its other view errors its own way (`{group: true}`, `{descending : true}`, `{include_docs:true}`, \"ddoc _design/app has no view named nope\")",
    tests: [
      'views: GET by_region?group=true&reduce=false: error',
      'views: GET by_region?group=false&group_level=1: error',
      'views: POST count {keys} without group: error for reduce views',
      'views: GET by_year?descending=true&startkey=2023&endkey=2024 (not swapped): error',
      'views: GET by_region?include_docs=true (reduce view, reduce not disabled): error',
      'views: GET by_year?reduce=true on a map-only view: error',
      'views: GET by_year?group=true on a map-only view: error',
      'views: GET by_year?update=bogus: error',
      'views: GET /db/_design/app/_view/nope: missing view',
      'view-options: refuses update=bogus with query_parse_error',
      'view-options: refuses stable=maybe with query_parse_error',
      'view-options: refuses sorted=maybe with query_parse_error',
      'view-options: refuses keys with group_level on a reduce view with query_parse_error',
      'view-options: refuses keys with group=true and a group_level with query_parse_error',
      'view-options: refuses conflicts on a reduced query with query_parse_error',
      'view-options: refuses conflicts=false on a reduced query with query_parse_error',
      'view-options: refuses group_level on a map view with query_parse_error',
    ],
  },
  'view-design-options': {
    differs: 'design-document `options` are ignored: map functions never see design documents (`include_design`) nor `_local_seq` (`local_seq`)',
    tests: [
      'view-options: design documents reach map functions only with options.include_design',
      'view-options: map functions see _local_seq (an integer) only with options.local_seq',
    ],
  },
  'view-map-no-deleted-conflicts': {
    differs: 'map functions see `_conflicts` but never `_deleted_conflicts`',
    tests: ['view-options: map functions see _conflicts and _deleted_conflicts (CouchDB opens documents with both for indexing)'],
  },
  'view-builtin-reduces': {
    differs: 'PouchDB has no `_approx_count_distinct` (500 "not a supported reduce function"), and `_sum` over strings fails the query with 500 invalid_value instead of answering a builtin_reduce_error value',
    tests: [
      'views: GET distinct (_approx_count_distinct counts distinct KEYS)',
      'views: GET distinct?group=true',
      'views: GET sum_strings: _sum over non-numbers: HTTP 200 with an error object as the reduced value',
    ],
  },
  'view-ranges': {
    differs: 'PouchDB ignores `startkey_docid`/`endkey_docid` and reports `offset` 0 for a range that starts after the first row',
    tests: [
      'views: GET by_year?startkey=2023&startkey_docid=s05&endkey=2024&endkey_docid=s02: docid bounds within equal keys',
      'views: GET by_year (default update=true): s11 present',
    ],
  },
  'view-always-current': {
    differs: 'PouchDB brings the index up to date on every query: `update=false`, `stale=ok` and `update=lazy` answers already contain the newest documents',
    tests: [
      'views: GET by_year?update=false: stale index, s11 missing',
      'views: GET by_year?stale=ok (deprecated alias of update=false)',
      'views: GET by_year?update=lazy: stale answer now, index updated afterwards',
      'view-options: update=false answers from the index as it is: empty before the first build, stale after writes',
    ],
  },
  'show-render-differences': {
    differs:
      "shows do not follow CouchDB's render.js: a failure for a missing document is 400 bad_request (not 404 not_found), start()/send() are not available (404), an empty show is typed text/html, and provides() takes the first type the Accept header names instead of ranking with mimeparse",
    tests: [
      'design-render-cases: a show that fails for a document id naming no document is that document 404',
      'design-render-cases: a show may use the list API: start() headers, send() chunks before the returned body',
      'design-render-cases: an empty show answers an empty JSON-typed body (chttpd_external defaults)',
      'design-render-cases: provides() picks by Accept with mimeparse, registered types answer with the matched type',
    ],
  },
  'list-provides-bad-length': {
    differs: 'a list function answering through provides() sends a Content-Length that does not match its body (the client fails with HPE_INVALID_CONTENT_LENGTH)',
    tests: ["design-render-cases: a list gets the provided Content-Type, and start() after getRow() changes nothing"],
  },
  'update-handler-differences': {
    differs: 'update handlers get a dashed req.uuid, and a returned document without _id is refused with 412 missing_id instead of 400 illegal_docid',
    tests: [
      "design-render-cases: an update handler's own code wins over 201, also when it saves a document",
      'design-render-cases: an update handler saves the document as returned: no _id is an empty id, not the URL one',
    ],
  },
  'include-docs-ignores-emitted-rev': {
    differs: 'include_docs follows an emitted {_id} but ignores an emitted {_rev}: the row gets the winning revision',
    tests: ['view-client-cases: include_docs reads the revision an emitted {_rev} names, and null for a missing {_id}'],
  },
  'duplicate-emits-by-collation': {
    differs: 'rows one doc emits under one key several times are ordered by their values in view collation (null, booleans, numbers, strings, arrays, objects), not Erlang term order',
    tests: ['view-client-cases: orders the rows of one key emitted several times by one doc by value, in Erlang term order'],
  },
  'no-reduce-limit': {
    differs: 'a JS reduce may grow without bound: no reduce_overflow_error row, the oversized value is answered',
    tests: ['view-client-cases: answers a reduce that does not shrink with a reduce_overflow_error row (HTTP 200)'],
  },
  'no-design-doc-checks': {
    differs: 'design documents are stored as given: no invalid_design_doc or compilation_error for broken views',
    tests: [
      'view-client-cases: refuses a design document with a view that is not an object (couch_mrview:validate_ddoc_fields)',
      'view-client-cases: refuses a design document with views.lib that is not an object (couch_mrview:validate_ddoc_fields)',
      'view-client-cases: refuses a design document with a show that is neither a string nor an object (couch_mrview:validate_ddoc_fields)',
      'view-client-cases: refuses a design document with an update handler that is an array (couch_mrview:validate_ddoc_fields)',
      'view-client-cases: refuses a design document with a filter that is a number (couch_mrview:validate_ddoc_fields)',
      'view-client-cases: refuses a design document with rewrites that are an object (couch_mrview:validate_ddoc_fields)',
      'view-client-cases: refuses a design document with a validate_doc_update that is not a string (couch_mrview:validate_ddoc_fields)',
      'view-client-cases: refuses a design document with a bad language and bad views (couch_mrview:validate_ddoc_fields)',
      'views: PUT a design doc with reduce "_bogus": invalid builtin reduce',
      'views: PUT a design doc with a map that does not compile',
      'views: PUT a design doc with a reduce that does not compile',
      'views: PUT a design doc with a view missing "map"',
      'views: PUT a design doc with "views" an array',
      'views: PUT a design doc with map not a string',
    ],
  },
  'design-function-req': {
    differs: "pouchdb-show/-update build their own `req`: query values are parsed as JSON (`n: 1`, not \"1\"), the document has no `_revisions`, and the validator's userCtx is `{name: null, roles: ['_admin']}` without `db`",
    tests: [
      'design-functions: gets newDoc, oldDoc (null for a new document) and the user context',
      'design-functions: without a document: doc and id are null; req has CouchDB members',
      'design-functions: with a document: the document with _revisions, and a form body parsed into req.form',
      'design-functions: req.uuid, req.form and req.query reach the handler',
    ],
  },
  'design-function-errors': {
    differs: 'design-function failures use PouchDB plugin errors: a thrown string is a 500 with a non-CouchDB body, a throwing show is 400 bad_request (not 500 render_error), an illegal id from an update handler is bad_request (not illegal_docid), a missing view is "ddoc _design/app has no view named nope"',
    tests: [
      'design-functions: other thrown values are 500s: a string, an Error, an object with another key',
      'design-functions: a throwing show is a 500 render_error; unknown functions and design docs are 404s',
      'design-functions: appends a returned string; unknown views and lists are 404s',
      'design-functions: the saved document goes through validate_doc_update and the id rules; GET is refused',
    ],
  },
  'list-content-length': {
    differs: 'a list answer carries both Content-Length and Transfer-Encoding: chunked, which Node refuses to parse (HPE_INVALID_CONTENT_LENGTH)',
    tests: [
      'design-functions: streams rows through getRow/send with the headers given to start()',
      'design-functions: gets the view head and honours the view query',
      'design-functions: the index-posts list over view foo sends each row value as text/html',
    ],
  },
  'no-partitions': {
    differs: 'databases are never partitioned: `?partitioned=true` is ignored (no `props.partitioned`), any document id is accepted, and `/{db}/_partition/...` is a document path (404 or `only_multipart_accepted`)',
    tests: [
      'partitions: refuses a partitioned flag other than true or false, and partitioning a system database',
      'partitions: a list over a partitioned view reads the partition given by the partition parameter',
      'partitions: records props.partitioned and refuses an id without a partition (recorded)',
      "partitions: a view query with the partition parameter answers as the partition's own view query",
      'partitions: partition info counts the partition only (recorded)',
      'partitions: partition info counts deleted documents in doc_del_count',
      'partitions: refuses ids without a valid partition on every write path and writes nothing',
      'partitions: accepts partition:docid, _design/ and _local/ ids; reading an id without a partition is refused',
      'partitions: allDocs in a partition lists its ids only, with key, ranges, limit, skip and descending',
      'partitions: allDocs in a partition with keys answers a row per key',
      'partitions: find in a partition returns its documents only, with and without a partitioned index',
      'partitions: explain shows the partition; partitioned indexes serve partition queries, global ones global queries',
      'partitions: a partitioned view answers per partition: rows, keys, ranges, limit, skip, descending and reduce',
      'partitions: answers CouchDB errors: scope mismatches, bad partition names, a database that is not partitioned',
    ],
  },
  'view-collation': {
    differs: 'PouchDB orders view keys with pouchdb-collate (strings by code point, not ICU: "A" before "a", "e\\u0301" not equal to "é"), ignores `options.collation: "raw"`, and reports `offset` 0 for ranges that start after the first row',
    tests: [
      "views: GET view by_k: rows in CouchDB (ICU/UCA) collation order: THIS is the collation order",
      "views: GET view by_k?descending=true",
      "views: GET view by_k_raw: options.collation \"raw\" (Erlang term order)",
      "views: GET view by_k?key=3: matches the doc stored with 3.0",
      "views: GET view by_k?key=1000: matches 1e3",
      "views: GET view by_k?startkey=\"a\"&endkey=\"b\": range over strings",
      "views: GET view by_k?startkey=\"abc\"&endkey=\"abc\\ufff0\": prefix range",
      "views: GET view by_k?startkey=\"Abc\"&endkey=\"AbcZZZZ\": the documented pitfall",
      "views: GET view by_k?startkey=[\"b\"]&endkey=[\"b\",{}]: arrays starting with \"b\"",
      "views: GET view by_k?startkey={}: objects only (objects sort last)",
      "views: GET view by_k?key=\"e\\u0301\" (decomposed \u00e9): ICU treats it as equal to the precomposed \"\u00e9\", both rows match",
      "views: GET /ids view emitting _id: the same strings in ICU order, for comparison",
    ],
  },
  'attachment-missing-rev': {
    differs: 'an attachment put or removal naming a revision the document does not have is written or answered otherwise, not 409 not_found missing_rev',
    tests: ['attachments: a revision the document does not have is 409 missing_rev, for a put and a removal, even without the document'],
  },
  'atts-since-alone': {
    differs: 'atts_since without attachments=true leaves every attachment a stub (CouchDB turns attachments on)',
    tests: ['attachments: atts_since alone turns attachments on, as CouchDB does (chttpd_db adds attachments)'],
  },
  'stub-revpos': {
    differs: 'a stub whose revpos differs from the stored attachment is accepted (CouchDB: 412 missing_stub)',
    tests: ['attachments: a stub whose revpos is not the stored one is 412 missing_stub; one without revpos keeps the attachment'],
  },
  'new-edits-type': {
    differs: 'a new_edits that is not a boolean is taken as truthy or falsy instead of a 400',
    tests: [
      'bulk: new_edits 0 (not a boolean) rejects the request',
      'bulk: new_edits "false" (not a boolean) rejects the request',
      'bulk: new_edits null (not a boolean) rejects the request',
    ],
  },
  'no-deleted-option': {
    differs: 'a GET with deleted=true of a deleted document answers 404 deleted (CouchDB answers the tombstone)',
    tests: ['documents: deleted: true answers the winning tombstone instead of 404 deleted'],
  },
  'replicated-revpos': {
    differs: 'a replicated revision (new_edits: false) gives its new attachments a revpos of its own instead of the one given',
    tests: ['attachments: a replicated revision keeps the revpos its attachments were given (0 when none), as couch_db does'],
  },
  'bulk-get-entry-checks': {
    differs: '_bulk_get entries that are not objects, have an illegal id or a bad atts_since get other error entries than CouchDB',
    tests: ['bulk: answers entries it cannot serve as chttpd_db does: not an object, an illegal id, a bad atts_since'],
  },
  'deleted-conflicts-after-handback': {
    differs: 'after a replicated batch deletes the leaf that had taken the win, `deleted_conflicts` does not list that deleted leaf',
    tests: ['revisions: a replicated batch that takes the win from the stored leaf and hands it back keeps its body'],
  },
  'changes-selector-fields': {
    differs: 'a `_selector` changes feed ignores `fields` and answers bad fields or operators otherwise',
    tests: ['changes: _selector with fields cuts each included document to them; bad fields and operators are 400 bad_request'],
  },
  'view-key-wins': {
    differs: 'a view query with `key` matches that key only, whatever `startkey`/`endkey` come with it and in whatever order (CouchDB applies the parameters in order)',
    tests: ['view-options: applies key, startkey and endkey in the order given: a later one overrides what an earlier one set'],
  },
  'vdu-new-doc-revisions-path': {
    differs: "validate_doc_update's newDoc._revisions for a PUT is the whole path of the given `_rev` (CouchDB gives the `_rev` alone)",
    tests: ['vdu-old-doc: is the given _rev alone for a PUT, and its whole path for an attachment write (which opens the revision first)'],
  },
  'vdu-old-doc-is-winner': {
    differs:
      "validate_doc_update's oldDoc is always the winning revision, whatever revision the write is made on (a losing or deleted leaf, a replicated revision's parent); a replicated revision it already has is validated again; and once a validator exists, replicated revisions of an existing document are answered [] without being stored",
    tests: [
      'vdu-old-doc: an edit of a losing leaf gets that leaf, not the winner',
      'vdu-old-doc: an edit of a deleted leaf gets the tombstone: its body, _deleted and _revisions',
      'vdu-old-doc: a new revision gets its parent, here a losing leaf',
      'vdu-old-doc: a parent that is a tombstone is given with _deleted',
      'vdu-old-doc: ancestors the database does not have are skipped for the first one whose body is stored',
      'vdu-old-doc: gets null when no ancestor is stored, even though the document exists',
      'vdu-old-doc: an ancestor whose body compaction dropped is skipped too',
      'vdu-old-doc: a revision the database already has is not validated again',
    ],
  },
} as const satisfies Record<string, QuirkInfo>;

/** One known difference of a server from CouchDB 3. */
export type Quirk = keyof typeof POUCHDB_SERVER;

/** What pouchdb-server 4.2 is known to answer differently. */
export const POUCHDB_SERVER_QUIRKS: ReadonlySet<Quirk> = new Set(Object.keys(POUCHDB_SERVER) as Quirk[]);

/** The skip note when one of `backend`'s quirks breaks the test `title` of `file` (a path ending in .test.ts). */
export function quirkThatSkips(backend: Backend, file: string, title: string): string | undefined {
  const base = file.replace(/^.*\//, '').replace(/\.test\.ts$/, '');
  const key = `${base}: ${title}`;
  for (const quirk of backend.quirks ?? []) {
    const info: QuirkInfo = POUCHDB_SERVER[quirk];
    if (info.tests.includes(key)) return `${backend.name} quirk ${quirk}: ${info.differs}`;
  }
  return undefined;
}

/** True when `backend` is known to differ from CouchDB in `quirk` (for a check at one assertion). */
export function hasQuirk(backend: Backend, quirk: Quirk): boolean {
  return backend.quirks?.has(quirk) ?? false;
}
