----------------------------- MODULE TraceDrain -----------------------------
(***************************************************************************)
(* Trace validation (after etcd-raft's Traceetcdraft.tla): is a run        *)
(* recorded from the real Java DrainStatus a behaviour of Drain.tla?       *)
(*                                                                         *)
(* DrainTraceLogs (written by TraceValidationTest) defines Logs, a          *)
(* sequence of recorded runs; each is a sequence of events                 *)
(* [p, op, a, b, ok]: process p made one access (offer, read a, store a,   *)
(* cas a -> b giving ok, trylock giving ok, lock, unlock, execute, drain a *)
(* writes, check giving ok = "work remains"). The initial state picks one  *)
(* log; each step then takes the Drain.tla step of the event's process     *)
(* that makes that access and agrees with what it observed. A step of      *)
(* Drain.tla that makes no access (an arm that only branches, a re-arm     *)
(* with nothing left) is taken silently. So every state has at most one    *)
(* successor, and TLC's deadlock check is the verdict: a log the model     *)
(* cannot follow ends in a state with no successor ("Deadlock reached"),   *)
(* whose i is the number of events matched; the event rejected is i + 1.   *)
(* A log followed to its end stutters there, and must end quiescent.       *)
(***************************************************************************)
EXTENDS Drain, Sequences, TLC, DrainTraceLogs

VARIABLES k, i

traceVars == <<vars, k, i>>

TraceInit ==
    /\ Init
    /\ k \in 1..Len(Logs)
    /\ i = 0

E == Logs[k][i + 1]

Taken == IF buf > Batch THEN Batch ELSE buf

\* The Drain.tla step of p that makes the access e records, with e's observations.
Explains(p, e) ==
    \/ pc[p] = "offer" /\ e.op = "offer" /\ Offer(p)
    \/ pc[p] = "read" /\ e.op = "read" /\ e.a = status /\ ReadStatus(p)
    \/ /\ pc[p] = "arm" /\ cur[p] \in {IDLE, P2I}
       /\ e.op = "cas" /\ e.a = cur[p] /\ e.b = (IF cur[p] = IDLE THEN REQUIRED ELSE P2R)
       /\ e.ok = (status = cur[p])
       /\ Arm(p)
    \/ pc[p] = "sdb_gate" /\ e.op = "read" /\ e.a = status /\ Gate(p)
    \/ pc[p] = "sdb_try" /\ e.op = "trylock" /\ e.ok = (lock = "none") /\ TryLock(p)
    \/ pc[p] = "sdb_recheck" /\ e.op = "read" /\ e.a = status /\ Recheck(p)
    \/ pc[p] = "sdb_store" /\ e.op = "store" /\ e.a = P2I /\ Publish(p)
    \/ pc[p] = "sdb_execute" /\ e.op = "execute" /\ Execute(p)
    \/ pc[p] = "sdb_unlock" /\ e.op = "unlock" /\ ScheduleUnlock(p)
    \/ pc[p] = "finish" /\ e.op = "read" /\ e.a = status /\ Finish(p)
    \/ p = Executor /\ e.op = "lock" /\ TakeTask
    \/ p = Cleaner /\ e.op = "lock" /\ CleanerLock
    \/ pc[p] = "m_enter" /\ e.op = "store" /\ e.a = P2I /\ Enter(p)
    \/ pc[p] = "m_drain" /\ e.op = "drain" /\ e.a = Taken /\ Drain(p)
    \/ pc[p] = "m_check" /\ e.op = "check" /\ e.ok = (buf > 0) /\ Check(p)
    \/ pc[p] = "m_rearm" /\ more[p] /\ e.op = "store" /\ e.a = P2R /\ ReArm(p)
    \/ pc[p] = "m_exit_read" /\ e.op = "read" /\ e.a = status /\ ExitRead(p)
    \/ /\ pc[p] = "m_exit_cas" /\ e.op = "cas" /\ e.a = P2I /\ e.b = IDLE
       /\ e.ok = (status = P2I) /\ ExitCas(p)
    \/ pc[p] = "m_exit_store" /\ e.op = "store" /\ e.a = REQUIRED /\ ExitStore(p)
    \/ pc[p] = "m_unlock" /\ e.op = "unlock" /\ MaintenanceUnlock(p)

\* Steps of Drain.tla that touch nothing shared: the Java makes no access, so the log has no event.
Silent(p) ==
    \/ pc[p] = "arm" /\ cur[p] \in {REQUIRED, P2R} /\ Arm(p)
    \/ pc[p] = "m_rearm" /\ ~more[p] /\ ReArm(p)

Done == i = Len(Logs[k]) /\ \A p \in Procs : ~ENABLED Silent(p)

TraceNext ==
    \/ /\ i < Len(Logs[k])
       /\ \/ Silent(E.p) /\ UNCHANGED <<k, i>>
          \/ Explains(E.p, E) /\ i' = i + 1 /\ UNCHANGED k
    \/ /\ i = Len(Logs[k])
       /\ \E p \in Procs : Silent(p)
       /\ UNCHANGED <<k, i>>
    \/ Done /\ UNCHANGED traceVars

\* A recorded run ends with every thread finished and the executor idle: so must the model.
EndsQuiescent == Done => Quiescent
=============================================================================
