-- bazaar_timers.claim_token: who holds a timer's lease. A runner that claims a
-- due timer moves due_ms to the end of its lease, adds 1 to attempt and writes
-- a token of its own here; it completes (DELETE) or fails (UPDATE) the timer
-- only while the row still carries that token. timer_schedule clears it, so a
-- timer moved while its handler ran keeps its new schedule. NULL: not claimed.
ALTER TABLE bazaar_timers ADD COLUMN claim_token INTEGER;
