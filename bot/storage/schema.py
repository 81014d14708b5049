"""The database schema, as numbered migrations applied in order at start-up.

A migration is never edited once released; a change is a new entry at the end. The
applied version lives in SQLite's own `user_version` pragma.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: people, roles, invitations, rounds, answers with full history, submissions
    """
    CREATE TABLE units (
        id TEXT PRIMARY KEY,
        name_fi TEXT NOT NULL,
        name_sv TEXT NOT NULL,
        name_en TEXT NOT NULL,
        in_catalogue INTEGER NOT NULL DEFAULT 1
    );
    CREATE TABLE people (
        id INTEGER PRIMARY KEY,
        telegram_id INTEGER NOT NULL UNIQUE,
        name TEXT NOT NULL DEFAULT '',
        language TEXT CHECK (language IN ('fi', 'sv', 'en')),
        reachable INTEGER NOT NULL DEFAULT 1,
        privacy_warned INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
    );
    CREATE TABLE roles (
        person_id INTEGER NOT NULL REFERENCES people(id),
        role TEXT NOT NULL CHECK (role IN ('contact', 'council')),
        unit_id TEXT NOT NULL DEFAULT '' ,
        granted_at TEXT NOT NULL,
        PRIMARY KEY (person_id, role, unit_id)
    );
    CREATE TABLE invitations (
        code TEXT PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN ('contact', 'council')),
        unit_id TEXT NOT NULL DEFAULT '',
        created_by INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        used_by INTEGER REFERENCES people(id),
        used_at TEXT
    );
    CREATE TABLE rounds (
        year INTEGER PRIMARY KEY,
        deadline TEXT NOT NULL,
        ladder TEXT NOT NULL,
        digest_on TEXT,
        opened_at TEXT NOT NULL,
        closed_at TEXT
    );
    CREATE TABLE answers (
        year INTEGER NOT NULL REFERENCES rounds(year),
        unit_id TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        person_id INTEGER NOT NULL REFERENCES people(id),
        answered_at TEXT NOT NULL,
        late INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (year, unit_id, key)
    );
    CREATE TABLE answer_history (
        id INTEGER PRIMARY KEY,
        year INTEGER NOT NULL,
        unit_id TEXT NOT NULL,
        key TEXT NOT NULL,
        old_value TEXT,
        new_value TEXT NOT NULL,
        person_id INTEGER NOT NULL REFERENCES people(id),
        at TEXT NOT NULL
    );
    CREATE INDEX answer_history_item ON answer_history (year, unit_id, key);
    CREATE TABLE submissions (
        year INTEGER NOT NULL REFERENCES rounds(year),
        unit_id TEXT NOT NULL,
        person_id INTEGER NOT NULL REFERENCES people(id),
        submitted_at TEXT NOT NULL,
        late INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (year, unit_id)
    );
    CREATE TABLE sessions (
        person_id INTEGER PRIMARY KEY REFERENCES people(id),
        year INTEGER NOT NULL,
        unit_id TEXT NOT NULL,
        step_key TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    """,
    # 2: what was sent, so that reminders and digests go out exactly once
    """
    CREATE TABLE sent_reminders (
        year INTEGER NOT NULL,
        unit_id TEXT NOT NULL,
        person_id INTEGER NOT NULL REFERENCES people(id),
        step TEXT NOT NULL,
        claimed_at TEXT NOT NULL,
        delivered_at TEXT,
        PRIMARY KEY (year, unit_id, person_id, step)
    );
    CREATE TABLE sent_notices (
        kind TEXT NOT NULL,
        year INTEGER NOT NULL,
        person_id INTEGER NOT NULL,
        claimed_at TEXT NOT NULL,
        PRIMARY KEY (kind, year, person_id)
    );
    """,
    # 3: the message showing a person's current step, so its buttons can be taken away
    # once the step is answered by typing
    """
    ALTER TABLE sessions ADD COLUMN message_id INTEGER;
    """,
    # 4: "go through again" walks every step in order, answered or not
    """
    ALTER TABLE sessions ADD COLUMN linear INTEGER NOT NULL DEFAULT 0;
    """,
    # 5: one ledger for everything the bot sends on its own (reminders, digest parts,
    # notices), with the state of each send; the old claim tables are carried over as sent.
    # The question about to be shown, so that a typed answer never lands on one not seen.
    """
    CREATE TABLE deliveries (
        key TEXT NOT NULL,
        chat_id INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('claimed', 'sent', 'blocked', 'unknown')),
        claimed_at TEXT NOT NULL,
        settled_at TEXT,
        boot TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (key, chat_id)
    );
    CREATE INDEX deliveries_by_chat ON deliveries (chat_id, claimed_at);
    INSERT INTO deliveries (key, chat_id, state, claimed_at, settled_at)
        SELECT 'reminder:' || r.year || ':' || r.unit_id || ':' || r.step, p.telegram_id, 'sent',
               r.claimed_at, r.delivered_at
        FROM sent_reminders r JOIN people p ON p.id = r.person_id;
    INSERT INTO deliveries (key, chat_id, state, claimed_at)
        SELECT n.kind || ':' || n.year, COALESCE(p.telegram_id, 0), 'sent', n.claimed_at
        FROM sent_notices n LEFT JOIN people p ON p.id = n.person_id;
    DROP TABLE sent_reminders;
    DROP TABLE sent_notices;
    ALTER TABLE sessions ADD COLUMN pending_key TEXT;
    """,
    # 6: running it for the city: the bot's heartbeat (for `kotobot health`), an audit log of
    # administrative actions, and the dates that personal-data retention and erasure need
    """
    CREATE TABLE heartbeat (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        beat_at TEXT NOT NULL,
        pid INTEGER NOT NULL,
        host TEXT NOT NULL
    );
    CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor_id INTEGER REFERENCES people(id),
        action TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX audit_log_at ON audit_log (at);
    ALTER TABLE people ADD COLUMN role_ended_at TEXT;
    ALTER TABLE people ADD COLUMN erased_at TEXT;
    """,
    # 7: answers imported from workbooks: where an answer came from, past rounds created
    # closed for importing, and the import a coordinator has previewed but not confirmed
    """
    ALTER TABLE answers ADD COLUMN source TEXT;
    ALTER TABLE answer_history ADD COLUMN source TEXT;
    ALTER TABLE rounds ADD COLUMN imported INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE pending_imports (
        id INTEGER PRIMARY KEY,
        person_id INTEGER NOT NULL REFERENCES people(id),
        year INTEGER NOT NULL,
        file_name TEXT NOT NULL,
        payload TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    """,
    # 8: the coordinator controls the council's digest (released early with "Send now") and
    # reports on a unit's behalf (who, for which unit and round)
    """
    CREATE TABLE digest_controls (
        year INTEGER PRIMARY KEY REFERENCES rounds(year),
        released_at TEXT
    );
    CREATE TABLE on_behalf (
        year INTEGER NOT NULL,
        unit_id TEXT NOT NULL,
        person_id INTEGER NOT NULL REFERENCES people(id),
        started_at TEXT NOT NULL,
        PRIMARY KEY (year, unit_id, person_id)
    );
    """,
    # 9: the report keeps its place through interruptions: a typed text offered back as an
    # answer (kept until saved or replaced, so a restart does not lose it), whether the next
    # answer returns to the review (fixing one answer), and whether another command came
    # between (1: typed text is offered back, 2: stopped with /cancel)
    """
    ALTER TABLE sessions ADD COLUMN draft TEXT;
    ALTER TABLE sessions ADD COLUMN back_to_review INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE sessions ADD COLUMN paused INTEGER NOT NULL DEFAULT 0;
    """,
    # 10: the durable inbox: each update from Telegram, written before it is confirmed, until
    # it is handled (see bot/storage/inbox.py)
    """
    CREATE TABLE inbox (
        update_id INTEGER PRIMARY KEY,
        payload TEXT NOT NULL,
        received_at TEXT NOT NULL,
        applied_at TEXT,
        done_at TEXT
    );
    CREATE INDEX inbox_unfinished ON inbox (done_at);
    """,
    # 11: the units whose comments the coordinator chose to lead the council's digest, in the
    # order chosen (no one chosen: the most recent comments lead, as before)
    """
    CREATE TABLE digest_highlights (
        year INTEGER NOT NULL REFERENCES rounds(year),
        unit_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        chosen_at TEXT NOT NULL,
        PRIMARY KEY (year, unit_id)
    );
    """,
    # 12: a unit's earlier answers by key (the carried-over rule and "last year" on every
    # report step, the summary's last earlier statuses) are looked up, not scanned
    """
    CREATE INDEX answers_by_key ON answers (key, unit_id, year);
    """,
    # 13: a report step's writes as one statement (see `ReportingQueries.record_answer`): one
    # statement is one trip to the writer's thread and, alone, its own transaction. The view
    # holds no rows; its trigger does the writes, in the order the step needs them.
    """
    CREATE VIEW answer_steps AS SELECT NULL AS update_id, NULL AS payload, NULL AS year,
        NULL AS unit_id, NULL AS key, NULL AS value, NULL AS person_id, NULL AS at,
        NULL AS late, NULL AS move, NULL AS next_key, NULL AS clear WHERE 0;
    CREATE TRIGGER answer_step INSTEAD OF INSERT ON answer_steps BEGIN
        -- the update that carried the answer is written down as applied: a redelivery or a
        -- replay after a crash must not apply it to the next step
        INSERT INTO inbox (update_id, payload, received_at, applied_at)
            SELECT NEW.update_id, NEW.payload, NEW.at, NEW.at
            WHERE NEW.move AND NEW.update_id IS NOT NULL
            ON CONFLICT (update_id) DO UPDATE SET applied_at = excluded.applied_at;
        -- the person's position: the next step pending, or no report under way
        DELETE FROM sessions
            WHERE NEW.move AND NEW.next_key IS NULL AND person_id = NEW.person_id;
        UPDATE sessions SET pending_key = NEW.next_key, year = NEW.year,
                unit_id = NEW.unit_id, updated_at = NEW.at
            WHERE NEW.move AND NEW.next_key IS NOT NULL AND person_id = NEW.person_id;
        -- answers that no longer apply (a JSON list of keys) go, each with a history row,
        -- in the list's order
        INSERT INTO answer_history (year, unit_id, key, old_value, new_value, person_id, at)
            SELECT answers.year, answers.unit_id, answers.key, answers.value, 'null',
                NEW.person_id, NEW.at
            FROM json_each(NEW.clear) AS gone JOIN answers ON answers.key = gone.value
            WHERE answers.year = NEW.year AND answers.unit_id = NEW.unit_id
            ORDER BY gone.key;
        DELETE FROM answers WHERE year = NEW.year AND unit_id = NEW.unit_id
            AND key IN (SELECT value FROM json_each(NEW.clear));
        -- the answer and its history row, unless it was stored so already
        INSERT INTO answer_history (year, unit_id, key, old_value, new_value, person_id, at)
            SELECT NEW.year, NEW.unit_id, NEW.key,
                (SELECT value FROM answers
                 WHERE year = NEW.year AND unit_id = NEW.unit_id AND key = NEW.key),
                NEW.value, NEW.person_id, NEW.at
            WHERE NOT EXISTS (SELECT 1 FROM answers WHERE year = NEW.year
                AND unit_id = NEW.unit_id AND key = NEW.key AND value = NEW.value);
        INSERT INTO answers (year, unit_id, key, value, person_id, answered_at, late)
            VALUES (NEW.year, NEW.unit_id, NEW.key, NEW.value, NEW.person_id, NEW.at, NEW.late)
            ON CONFLICT (year, unit_id, key) DO UPDATE SET value = excluded.value,
                person_id = excluded.person_id, answered_at = excluded.answered_at,
                late = excluded.late, source = NULL
            WHERE answers.value IS NOT excluded.value;
    END;
    -- the next question is on the person's screen (typed text now answers it) and the
    -- update whose answer led to it is through: one statement for both
    CREATE VIEW shown_steps AS SELECT NULL AS person_id, NULL AS year, NULL AS unit_id,
        NULL AS step_key, NULL AS at, NULL AS message_id, NULL AS linear,
        NULL AS update_id WHERE 0;
    CREATE TRIGGER shown_step INSTEAD OF INSERT ON shown_steps BEGIN
        INSERT INTO sessions (person_id, year, unit_id, step_key, updated_at, message_id,
                linear, pending_key)
            VALUES (NEW.person_id, NEW.year, NEW.unit_id, NEW.step_key, NEW.at,
                NEW.message_id, NEW.linear, NULL)
            ON CONFLICT (person_id) DO UPDATE SET year = excluded.year,
                unit_id = excluded.unit_id, step_key = excluded.step_key,
                updated_at = excluded.updated_at, message_id = excluded.message_id,
                linear = excluded.linear, pending_key = NULL, paused = 0;
        UPDATE inbox SET done_at = NEW.at, payload = '' WHERE update_id = NEW.update_id;
    END;
    """,
    # 14: a reminder round someone asked for (/remind, "nudge them all") is written down while
    # it runs, so that one a crash cut short is finished at the next start; the ledger skips
    # everyone it had reached (see `Services.remind_on_request`)
    """
    CREATE TABLE requested_reminders (
        year INTEGER NOT NULL REFERENCES rounds(year),
        step_key TEXT NOT NULL,
        kind TEXT NOT NULL,
        also TEXT NOT NULL,
        boot TEXT NOT NULL,
        token TEXT NOT NULL,
        started_at TEXT NOT NULL,
        PRIMARY KEY (year, step_key)
    );
    """,
]
