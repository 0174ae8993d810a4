------------------------------- MODULE Drain -------------------------------
(***************************************************************************)
(* The drain protocol of sluice's DrainStatus (SPEC.md, "Drain state       *)
(* machine"), one TLA+ step per access to the status word, the lock, the   *)
(* buffer and the executor's queue, in the order DrainStatus makes them;   *)
(* TraceDrain.tla checks recorded runs of the Java against these steps.    *)
(*                                                                         *)
(* Writers buffer a write and then run scheduleAfterWrite; a reader finds   *)
(* the read buffer full and runs scheduleDrainBuffers; the executor runs    *)
(* queued drain tasks; a cleaner calls cleanUp once. Maintenance drains at  *)
(* most Batch writes per run and re-arms when it stops early. The executor  *)
(* accepts every task (the inline fallback is a sequential path, covered by *)
(* DrainStatusTableTest).                                                   *)
(*                                                                         *)
(* Two constants select the seed's choices instead of the reference's:      *)
(*   SeedIdleArm   - the IDLE arm ignores a failed CAS (deviation (a));     *)
(*   SeedEntry     - maintenance's loads of the buffer happen before its    *)
(*                   entry store is visible, which a release store allows  *)
(*                   (deviation (b)); its stores keep their order.         *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets

CONSTANTS Writers, WritesEach, Batch, SeedIdleArm, SeedEntry

Reader == "reader"
Executor == "executor"
Cleaner == "cleaner"
Procs == Writers \cup {Reader, Executor, Cleaner}

IDLE == 0
REQUIRED == 1
P2I == 2   \* PROCESSING_TO_IDLE
P2R == 3   \* PROCESSING_TO_REQUIRED

VARIABLES
    status,     \* the drain status
    buf,        \* writes in the write buffer
    pending,    \* drain tasks queued on the executor
    lock,       \* the drain lock's holder, or "none"
    pc,         \* each process's next step
    cur,        \* the status value a process last read
    more,       \* maintenance's reading of "work remains" (the write buffer not empty)
    left        \* writes each writer still has to make

vars == <<status, buf, pending, lock, pc, cur, more, left>>

Init ==
    /\ status = IDLE
    /\ buf = 0
    /\ pending = 0
    /\ lock = "none"
    /\ pc = [p \in Procs |-> CASE p \in Writers -> "offer"
                               [] p = Reader -> "sdb_gate"
                               [] p = Executor -> "idle"
                               [] p = Cleaner -> "lock"]
    /\ cur = [p \in Procs |-> IDLE]
    /\ more = [p \in Procs |-> FALSE]
    /\ left = [w \in Writers |-> WritesEach]

Goto(p, step) == pc' = [pc EXCEPT ![p] = step]

\* Where a process goes when its scheduleDrainBuffers / finish returns.
Return(p) ==
    CASE p \in Writers -> IF left[p] > 0 THEN "offer" ELSE "done"
      [] p = Executor -> "idle"
      [] OTHER -> "done"

------------------------------------------------------------------------------
\* Writers: WriteBuffer.offer, then scheduleAfterWrite.

Offer(w) ==
    /\ pc[w] = "offer"
    /\ buf' = buf + 1
    /\ left' = [left EXCEPT ![w] = @ - 1]
    /\ Goto(w, "read")
    /\ UNCHANGED <<status, pending, lock, cur, more>>

ReadStatus(w) ==   \* statusVolatile(), or the acquire re-read after a failed CAS
    /\ pc[w] = "read"
    /\ cur' = [cur EXCEPT ![w] = status]
    /\ Goto(w, "arm")
    /\ UNCHANGED <<status, buf, pending, lock, left, more>>

Arm(w) ==
    /\ pc[w] = "arm"
    /\ CASE cur[w] = IDLE ->
              IF status = IDLE
              THEN /\ status' = REQUIRED /\ Goto(w, "sdb_gate")
              ELSE /\ UNCHANGED status
                   /\ Goto(w, IF SeedIdleArm THEN "sdb_gate" ELSE "read")
         [] cur[w] = REQUIRED -> UNCHANGED status /\ Goto(w, "sdb_gate")
         [] cur[w] = P2I ->
              IF status = P2I
              THEN /\ status' = P2R /\ Goto(w, Return(w))
              ELSE /\ UNCHANGED status /\ Goto(w, "read")
         [] cur[w] = P2R -> UNCHANGED status /\ Goto(w, Return(w))
    /\ UNCHANGED <<buf, pending, lock, cur, left, more>>

------------------------------------------------------------------------------
\* scheduleDrainBuffers, shared by writers, the reader and finish: one step per access, as the
\* Java makes them (TraceDrain.tla follows recorded runs of the Java through these steps).

Gate(p) ==   \* the opaque gate
    /\ pc[p] = "sdb_gate"
    /\ Goto(p, IF status >= P2I THEN Return(p) ELSE "sdb_try")
    /\ UNCHANGED <<status, buf, pending, lock, cur, left, more>>

TryLock(p) ==
    /\ pc[p] = "sdb_try"
    /\ IF lock = "none"
       THEN lock' = p /\ Goto(p, "sdb_recheck")
       ELSE UNCHANGED lock /\ Goto(p, Return(p))
    /\ UNCHANGED <<status, buf, pending, cur, left, more>>

Recheck(p) ==   \* under the lock
    /\ pc[p] = "sdb_recheck"
    /\ Goto(p, IF status >= P2I THEN "sdb_unlock" ELSE "sdb_store")
    /\ UNCHANGED <<status, buf, pending, lock, cur, left, more>>

Publish(p) ==   \* setStatusRelease(PROCESSING_TO_IDLE)
    /\ pc[p] = "sdb_store"
    /\ status' = P2I
    /\ Goto(p, "sdb_execute")
    /\ UNCHANGED <<buf, pending, lock, cur, left, more>>

Execute(p) ==   \* executor.execute(task): the task is queued
    /\ pc[p] = "sdb_execute"
    /\ pending' = pending + 1
    /\ Goto(p, "sdb_unlock")
    /\ UNCHANGED <<status, buf, lock, cur, left, more>>

\* A thread that only handed the task over owes no finish (DrainStatus.unlock takes nothing):
\* the task's thread re-checks after its own drain.
ScheduleUnlock(p) ==
    /\ pc[p] = "sdb_unlock"
    /\ lock' = "none"
    /\ Goto(p, Return(p))
    /\ UNCHANGED <<status, buf, pending, cur, left, more>>

Finish(p) ==   \* DrainStatus.finish: the volatile read; REQUIRED goes straight to tryLock
    /\ pc[p] = "finish"
    /\ Goto(p, IF status = REQUIRED THEN "sdb_try" ELSE Return(p))
    /\ UNCHANGED <<status, buf, pending, lock, cur, left, more>>

------------------------------------------------------------------------------
\* Maintenance, run by the executor (a queued task) or the cleaner (cleanUp).

TakeTask ==
    /\ pc[Executor] = "idle"
    /\ pending > 0
    /\ lock = "none"
    /\ lock' = Executor
    /\ pending' = pending - 1
    /\ Goto(Executor, IF SeedEntry THEN "m_drain" ELSE "m_enter")
    /\ UNCHANGED <<status, buf, cur, left, more>>

CleanerLock ==
    /\ pc[Cleaner] = "lock"
    /\ lock = "none"
    /\ lock' = Cleaner
    /\ Goto(Cleaner, IF SeedEntry THEN "m_drain" ELSE "m_enter")
    /\ UNCHANGED <<status, buf, pending, cur, left, more>>

Enter(p) ==   \* the entry store of PROCESSING_TO_IDLE
    /\ pc[p] = "m_enter"
    /\ status' = P2I
    /\ Goto(p, IF SeedEntry THEN "m_rearm" ELSE "m_drain")
    /\ UNCHANGED <<buf, pending, lock, cur, more, left>>

Drain(p) ==   \* take up to Batch writes (the loads of the buffer)
    /\ pc[p] = "m_drain"
    /\ buf' = IF buf > Batch THEN buf - Batch ELSE 0
    /\ Goto(p, "m_check")
    /\ UNCHANGED <<status, pending, lock, cur, more, left>>

Check(p) ==   \* drain()'s closing load: is the write buffer empty?
    /\ pc[p] = "m_check"
    /\ more' = [more EXCEPT ![p] = buf > 0]
    /\ Goto(p, IF SeedEntry THEN "m_enter" ELSE "m_rearm")
    /\ UNCHANGED <<status, buf, pending, lock, cur, left>>

ReArm(p) ==   \* stopped early with work left: PROCESSING_TO_REQUIRED (no access otherwise)
    /\ pc[p] = "m_rearm"
    /\ status' = IF more[p] THEN P2R ELSE status
    /\ Goto(p, "m_exit_read")
    /\ UNCHANGED <<buf, pending, lock, cur, more, left>>

ExitRead(p) ==   \* the exit: an opaque read, then the CAS only if it saw PROCESSING_TO_IDLE
    /\ pc[p] = "m_exit_read"
    /\ Goto(p, IF status = P2I THEN "m_exit_cas" ELSE "m_exit_store")
    /\ UNCHANGED <<status, buf, pending, lock, cur, left, more>>

ExitCas(p) ==   \* CAS PROCESSING_TO_IDLE -> IDLE; a writer's mark in between makes it fail
    /\ pc[p] = "m_exit_cas"
    /\ IF status = P2I
       THEN status' = IDLE /\ Goto(p, "m_unlock")
       ELSE UNCHANGED status /\ Goto(p, "m_exit_store")
    /\ UNCHANGED <<buf, pending, lock, cur, left, more>>

ExitStore(p) ==   \* work arrived or remains: REQUIRED, for finish to re-schedule
    /\ pc[p] = "m_exit_store"
    /\ status' = REQUIRED
    /\ Goto(p, "m_unlock")
    /\ UNCHANGED <<buf, pending, lock, cur, left, more>>

MaintenanceUnlock(p) ==
    /\ pc[p] = "m_unlock"
    /\ lock' = "none"
    /\ Goto(p, "finish")
    /\ UNCHANGED <<status, buf, pending, cur, left, more>>

------------------------------------------------------------------------------

Next ==
    \/ \E w \in Writers : Offer(w) \/ ReadStatus(w) \/ Arm(w)
    \/ \E p \in Procs : Gate(p) \/ TryLock(p) \/ Recheck(p) \/ Publish(p) \/ Execute(p)
                        \/ ScheduleUnlock(p) \/ Finish(p)
    \/ TakeTask \/ CleanerLock
    \/ \E p \in {Executor, Cleaner} : Enter(p) \/ Drain(p) \/ Check(p) \/ ReArm(p) \/ ExitRead(p)
                                    \/ ExitCas(p) \/ ExitStore(p) \/ MaintenanceUnlock(p)

Spec == Init /\ [][Next]_vars

------------------------------------------------------------------------------
\* Invariants (names as in SPEC.md)

TypeOK ==
    /\ status \in {IDLE, REQUIRED, P2I, P2R}
    /\ buf \in Nat /\ pending \in Nat
    /\ lock \in Procs \cup {"none"}

\* Everyone has finished and no drain task is queued or running.
Quiescent ==
    /\ \A p \in Procs \ {Executor} : pc[p] = "done"
    /\ pc[Executor] = "idle"
    /\ pending = 0

\* I-NO-STRANDED-WRITE: at quiescence nothing is left in the write buffer.
NoStrandedWrite == Quiescent => buf = 0

\* Only lock holders leave a PROCESSING state, so at most one process drains at a time.
OneDrainer == Cardinality({p \in {Executor, Cleaner} :
                  pc[p] \in {"m_enter", "m_drain", "m_check", "m_rearm", "m_exit_read",
                             "m_exit_cas", "m_exit_store", "m_unlock"}}) <= 1
=============================================================================
