-- Which run starts now, for which command, in which process (see abandon_dead_runs)?
INSERT INTO core.runs (run_id, flow_run_id, started_at, status, command, pid, host,
                       process_start)
VALUES ($run_id, $flow_run_id, $now, 'running', $command, $pid, $host, $process_start)
