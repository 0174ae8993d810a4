----------------------------- MODULE WriteBack -----------------------------
(***************************************************************************)
(* sluice's write-back protocol (SPEC.md 2.2) with flush dependencies,     *)
(* where the bugs are: several entries per cache, threads whose write-backs *)
(* are separate steps (dependencies, claim and capture, re-read the edges,  *)
(* write, end) interleaved with put, dependOn, flush, eviction write-backs  *)
(* and invalidate; writes that fail (the entry stays dirty); the one claim  *)
(* per entry and whoever waits for it. A thread's calls nest (a write-back  *)
(* flushes its targets, whose entries have write-backs of their own), so    *)
(* each thread has a stack of frames.                                       *)
(*                                                                         *)
(* The promise checked (I-DEP-ORDER in the caller's terms): once           *)
(* dependOn(x, t) returned, a value of x put after that return is written   *)
(* only after every t entry dirty at that return is on disk with that      *)
(* version or a newer one. Ghost state: pending[x] holds those obligations  *)
(* <<t, k, version>>; a put copies pending into the new version's req; a    *)
(* write-back captures req with the value; its write checks it.             *)
(*                                                                         *)
(* Seed bugs, each a configuration TLC must reject:                        *)
(*   CaptureFirst      - capture without re-reading the edges (the order    *)
(*                       before the capture-race fix);                      *)
(*   BlindConsume      - consume an edge though dependOn renewed it;        *)
(*   ClaimWhileFlushing - claim the entry first and keep the claim while    *)
(*                       flushing the dependencies, re-reading and flushing *)
(*                       again under it (a porter's reading: deadlocks).    *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets, Sequences, TLC

CONSTANTS Caches, Keys, Threads, MaxPuts, MaxDepends, MaxFails, MaxStarts,
          CaptureFirst, BlindConsume, ClaimWhileFlushing

None == "none"

VARIABLES
    ver,      \* ver[c][k]: the last version handed out (versions only grow)
    val,      \* val[c][k]: the entry's current version (0: the initial disk value)
    dirty,    \* dirty[c][k]
    disk,     \* disk[c][k]: the version on disk
    edges,    \* edges[x][t]: epoch of the edge x -> t, 0 if none
    epoch,
    claim,    \* claim[c][k]: the thread whose write-back holds the entry, or None
    pending,  \* pending[x]: obligations <<t, k, v>> of dependOns of x that returned
    req,      \* req[c][k]: the obligations the current version must follow
    stack,    \* stack[th]: the thread's frames, the last one running
    cap,      \* cap[th]: <<version, req>> captured by the thread's write-back
    ret,      \* ret[th]: "ok" or "fail", what the frame that just returned reports
    budget,
    violated  \* a write broke I-DEP-ORDER

vars == <<ver, val, dirty, disk, edges, epoch, claim, pending, req, stack, cap, ret, budget, violated>>

NoEdges == [t \in Caches |-> 0]
Entries(f) == [c \in Caches |-> [k \in Keys |-> f]]

Init ==
    /\ ver = Entries(0) /\ val = Entries(0) /\ dirty = Entries(FALSE) /\ disk = Entries(0)
    /\ edges = [x \in Caches |-> NoEdges] /\ epoch = 0
    /\ claim = Entries(None)
    /\ pending = [x \in Caches |-> {}] /\ req = Entries({})
    /\ stack = [th \in Threads |-> <<>>] /\ cap = [th \in Threads |-> <<0, {}>>]
    /\ ret = [th \in Threads |-> "ok"]
    /\ budget = [puts |-> MaxPuts, depends |-> MaxDepends, fails |-> MaxFails, starts |-> MaxStarts]
    /\ violated = FALSE

Targets(x) == {t \in Caches : edges[x][t] > 0}
IsSink(t) == Targets(t) = {}
Satisfied(o) == disk[o[1]][o[2]] >= o[3]
Top(th) == stack[th][Len(stack[th])]
SetTop(th, f) == stack' = [stack EXCEPT ![th][Len(stack[th])] = f]
Frame(op, c, k, phase) == [op |-> op, c |-> c, k |-> k, phase |-> phase, snap |-> {}, cur |-> <<>>,
                           rem |-> Keys, failed |-> FALSE, target |-> c]
Push(th, f) == stack' = [stack EXCEPT ![th] = Append(@, f)]
\* The top frame becomes f, and g is called on top of it.
Call(th, f, g) == stack' = [stack EXCEPT ![th] = Append(SubSeq(@, 1, Len(@) - 1) \o <<f>>, g)]
Pop(th, r) == /\ stack' = [stack EXCEPT ![th] = SubSeq(@, 1, Len(@) - 1)]
              /\ ret' = [ret EXCEPT ![th] = r]

\* ---- the client's atomic operations (any thread; each is one step in the Java too) ----

Put(c, k) ==
    /\ budget.puts > 0
    /\ budget' = [budget EXCEPT !.puts = @ - 1]
    /\ ver' = [ver EXCEPT ![c][k] = @ + 1]
    /\ val' = [val EXCEPT ![c][k] = ver[c][k] + 1]
    /\ dirty' = [dirty EXCEPT ![c][k] = TRUE]
    /\ req' = [req EXCEPT ![c][k] = pending[c]]
    /\ UNCHANGED <<disk, edges, epoch, claim, pending, stack, cap, ret, violated>>

\* invalidate(c): waits for write-backs in flight, drops every dirty value (by design: its
\* obligations go with it) and clears c's edges.
Invalidate(c) ==
    /\ \A k \in Keys : claim[c][k] = None
    /\ \E k \in Keys : dirty[c][k]
    /\ budget.puts > 0
    /\ budget' = [budget EXCEPT !.puts = @ - 1]
    /\ LET Keep(S) == {o \in S : o[1] # c \/ Satisfied(o)}
       IN /\ pending' = [x \in Caches |-> Keep(pending[x])]
          /\ req' = [x \in Caches |-> [k \in Keys |-> Keep(req[x][k])]]
          /\ cap' = [th \in Threads |-> <<cap[th][1], Keep(cap[th][2])>>]
    /\ val' = [val EXCEPT ![c] = disk[c]]
    /\ dirty' = [dirty EXCEPT ![c] = [k \in Keys |-> FALSE]]
    /\ edges' = [edges EXCEPT ![c] = NoEdges]
    /\ UNCHANGED <<ver, disk, epoch, claim, stack, ret, violated>>

\* ---- what an idle thread may start ----

Start(th, f) ==
    /\ stack[th] = <<>>
    /\ budget.starts > 0
    /\ budget' = [budget EXCEPT !.starts = @ - 1]
    /\ Push(th, f)
    /\ UNCHANGED <<ver, val, dirty, disk, edges, epoch, claim, pending, req, cap, ret, violated>>

StartFlush(th, c) == Start(th, Frame("flush", c, None, "deps"))
StartEviction(th, c, k) == dirty[c][k] /\ Start(th, Frame("wb", c, k, IF ClaimWhileFlushing THEN "claim" ELSE "deps"))
StartDependOn(th, x, t) == x # t /\ budget.depends > 0 /\ Start(th, [Frame("dependOn", x, None, "try") EXCEPT !.target = t])

\* ---- one step of a thread's top frame ----

Unchanged == UNCHANGED <<ver, val, dirty, disk, edges, epoch, claim, pending, req, cap, budget, violated>>

\* dependOn(x, t): add (or renew) the edge if t is a sink or the edge exists; otherwise write back
\* t's dependencies (the frame's deps phases run on t) and try again.
TryDependOn(th) ==
    LET f == Top(th) IN
    /\ f.op = "dependOn" /\ f.phase = "try"
    /\ IF edges[f.c][f.target] > 0 \/ IsSink(f.target)
       THEN /\ budget' = [budget EXCEPT !.depends = @ - 1]
            /\ epoch' = epoch + 1
            /\ edges' = [edges EXCEPT ![f.c][f.target] = epoch + 1]
            /\ pending' = [pending EXCEPT ![f.c] = @ \cup
                             {<<f.target, k, val[f.target][k]>> : k \in {j \in Keys : dirty[f.target][j]}}]
            /\ Pop(th, "ok")
            /\ UNCHANGED <<ver, val, dirty, disk, claim, req, cap, violated>>
       ELSE /\ SetTop(th, [f EXCEPT !.phase = "deps"])
            /\ UNCHANGED ret /\ Unchanged

DepsOf(f) == IF f.op = "dependOn" THEN f.target ELSE f.c

\* Write back the dependencies: snapshot the edges, then flush each target and consume the edge.
Snapshot(th) ==
    LET f == Top(th) IN
    /\ f.phase = "deps"
    /\ SetTop(th, [f EXCEPT !.phase = "depsNext",
                   !.snap = {<<t, edges[DepsOf(f)][t]>> : t \in Targets(DepsOf(f))}])
    /\ UNCHANGED ret /\ Unchanged

AfterDeps(f) == CASE f.op = "flush" -> "entries"
                  [] f.op = "dependOn" -> "try"
                  [] ClaimWhileFlushing -> "capture"
                  [] OTHER -> "claim"

NextDep(th) ==
    LET f == Top(th) IN
    /\ f.phase = "depsNext"
    /\ IF f.snap = {}
       THEN SetTop(th, [f EXCEPT !.phase = AfterDeps(f)]) /\ UNCHANGED ret /\ Unchanged
       ELSE \E e \in f.snap :
              /\ Call(th, [f EXCEPT !.phase = "consume", !.cur = e], Frame("flush", e[1], None, "deps"))
              /\ UNCHANGED ret /\ Unchanged

Consume(th) ==
    LET f == Top(th) IN
    /\ f.phase = "consume"
    /\ IF ret[th] = "fail"
       THEN /\ IF f.op = "wb" /\ claim[f.c][f.k] = th  \* only with ClaimWhileFlushing
               THEN claim' = [claim EXCEPT ![f.c][f.k] = None] ELSE UNCHANGED claim
            /\ Pop(th, "fail")
            /\ UNCHANGED <<ver, val, dirty, disk, edges, epoch, pending, req, cap, budget, violated>>
       ELSE /\ LET x == DepsOf(f) IN LET t == f.cur[1] IN
               edges' = IF BlindConsume \/ edges[x][t] = f.cur[2] THEN [edges EXCEPT ![x][t] = 0] ELSE edges
            /\ SetTop(th, [f EXCEPT !.phase = "depsNext", !.snap = @ \ {f.cur}])
            /\ UNCHANGED <<ret, ver, val, dirty, disk, epoch, claim, pending, req, cap, budget, violated>>

\* flush: after its dependencies, a write-back of every entry (in any order); every entry is tried.
NextEntry(th) ==
    LET f == Top(th) IN
    /\ f.op = "flush"
    /\ \/ /\ f.phase = "entries"
          /\ IF f.rem = {}
             THEN Pop(th, IF f.failed THEN "fail" ELSE "ok") /\ Unchanged
             ELSE \E k \in f.rem :
                    /\ Call(th, [f EXCEPT !.phase = "entryDone", !.cur = <<k>>],
                            Frame("wb", f.c, k, IF ClaimWhileFlushing THEN "claim" ELSE "deps"))
                    /\ UNCHANGED ret /\ Unchanged
       \/ /\ f.phase = "entryDone"
          /\ SetTop(th, [f EXCEPT !.phase = "entries", !.rem = @ \ {f.cur[1]}, !.failed = @ \/ ret[th] = "fail"])
          /\ UNCHANGED ret /\ Unchanged

\* Claim (waiting while another write-back holds it) and, in the reference, capture.
Claim(th) ==
    LET f == Top(th) IN
    /\ f.op = "wb" /\ f.phase = "claim"
    /\ claim[f.c][f.k] = None
    /\ IF ~dirty[f.c][f.k]
       THEN Pop(th, "ok") /\ Unchanged
       ELSE /\ claim' = [claim EXCEPT ![f.c][f.k] = th]
            /\ IF ClaimWhileFlushing
               THEN SetTop(th, [f EXCEPT !.phase = "deps"]) /\ UNCHANGED cap
               ELSE /\ cap' = [cap EXCEPT ![th] = <<val[f.c][f.k], req[f.c][f.k]>>]
                    /\ SetTop(th, [f EXCEPT !.phase = IF CaptureFirst THEN "write" ELSE "reread"])
            /\ UNCHANGED <<ret, ver, val, dirty, disk, edges, epoch, pending, req, budget, violated>>

\* The porter's order: capture after the dependencies were flushed under the claim, then re-read.
Capture(th) ==
    LET f == Top(th) IN
    /\ f.op = "wb" /\ f.phase = "capture"
    /\ IF dirty[f.c][f.k]
       THEN /\ cap' = [cap EXCEPT ![th] = <<val[f.c][f.k], req[f.c][f.k]>>]
            /\ SetTop(th, [f EXCEPT !.phase = "reread"])
            /\ UNCHANGED <<ret, ver, val, dirty, disk, edges, epoch, claim, pending, req, budget, violated>>
       ELSE /\ claim' = [claim EXCEPT ![f.c][f.k] = None]
            /\ Pop(th, "ok")
            /\ UNCHANGED <<ver, val, dirty, disk, edges, epoch, pending, req, cap, budget, violated>>

\* Step 3 of SPEC 2.2: an edge now means a dependOn may have returned before the captured put.
Reread(th) ==
    LET f == Top(th) IN
    /\ f.op = "wb" /\ f.phase = "reread"
    /\ IF IsSink(f.c)
       THEN SetTop(th, [f EXCEPT !.phase = "write"]) /\ UNCHANGED claim
       ELSE IF ClaimWhileFlushing \* the porter's reading: flush again, still holding the claim
       THEN SetTop(th, [f EXCEPT !.phase = "deps"]) /\ UNCHANGED claim
       ELSE /\ claim' = [claim EXCEPT ![f.c][f.k] = None]
            /\ SetTop(th, [f EXCEPT !.phase = "deps"])
    /\ UNCHANGED <<ret, ver, val, dirty, disk, edges, epoch, pending, req, cap, budget, violated>>

Write(th) ==
    LET f == Top(th) IN LET c == f.c IN LET k == f.k IN LET v == cap[th][1] IN
    /\ f.op = "wb" /\ f.phase = "write"
    /\ \/ /\ violated' = (violated \/ \E o \in cap[th][2] : ~Satisfied(o))
          /\ disk' = [disk EXCEPT ![c][k] = v]
          /\ dirty' = [dirty EXCEPT ![c][k] = val[c][k] # v]
          /\ LET Open(S) == {o \in S : ~(o[1] = c /\ o[2] = k /\ o[3] <= v)}
             IN /\ pending' = [x \in Caches |-> Open(pending[x])]
                /\ req' = [x \in Caches |-> [j \in Keys |-> Open(req[x][j])]]
          /\ claim' = [claim EXCEPT ![c][k] = None]
          /\ Pop(th, "ok")
          /\ UNCHANGED <<ver, val, edges, epoch, cap, budget>>
       \/ /\ budget.fails > 0
          /\ budget' = [budget EXCEPT !.fails = @ - 1]
          /\ claim' = [claim EXCEPT ![c][k] = None]
          /\ Pop(th, "fail")
          /\ UNCHANGED <<ver, val, dirty, disk, edges, epoch, pending, req, cap, violated>>

Step(th) == stack[th] # <<>> /\
    (TryDependOn(th) \/ Snapshot(th) \/ NextDep(th) \/ Consume(th) \/ NextEntry(th)
     \/ Claim(th) \/ Capture(th) \/ Reread(th) \/ Write(th))

\* Every thread idle and every budget spent: the terminal state, so TLC's deadlock check
\* reports only real ones (threads waiting for each other's claims).
Done == /\ \A th \in Threads : stack[th] = <<>>
        /\ budget.puts = 0 /\ budget.starts = 0
        /\ UNCHANGED vars

Next ==
    \/ \E th \in Threads : Step(th)
    \/ \E c \in Caches, k \in Keys : Put(c, k)
    \/ \E c \in Caches : Invalidate(c)
    \/ \E th \in Threads : \E c \in Caches : StartFlush(th, c) \/ \E k \in Keys : StartEviction(th, c, k)
    \/ \E th \in Threads : \E x, t \in Caches : StartDependOn(th, x, t)
    \/ Done

Spec == Init /\ [][Next]_vars

\* Caches, keys and threads are each interchangeable (model values in the configurations).
Symmetry == Permutations(Caches) \cup Permutations(Keys) \cup Permutations(Threads)

------------------------------------------------------------------------------
\* Invariants (names as in SPEC.md)

\* I-DEP-ORDER, over the write log, in the caller's terms (see the header).
DepOrder == ~violated

\* I-NO-LOST-DIRTY: an entry is clean only if its current version is the one on disk.
NoLostDirty == \A c \in Caches, k \in Keys : ~dirty[c][k] => disk[c][k] = val[c][k]

\* One write-back per entry: a claim belongs to a thread whose running write-back is that entry's.
OneClaim == \A c \in Caches, k \in Keys : claim[c][k] # None =>
               \E i \in 1..Len(stack[claim[c][k]]) :
                  stack[claim[c][k]][i].op = "wb" /\ stack[claim[c][k]][i].c = c /\ stack[claim[c][k]][i].k = k
=============================================================================
