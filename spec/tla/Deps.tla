------------------------------- MODULE Deps -------------------------------
(***************************************************************************)
(* sluice's flush-dependency protocol (SPEC.md, "dependOn" and "flush").   *)
(* Each cache has one entry (dirty or clean); any cache may depend on any  *)
(* other. An environment puts, calls dependOn, and runs write-backs; a     *)
(* write-back of X is not atomic: it snapshots X's edges, writes back each *)
(* target (a target with edges of its own waits until they are gone),     *)
(* consumes the edge, and finally writes X.                                 *)
(*                                                                         *)
(*   DirectOnly   - imago's cycle check (refuse only if the target depends *)
(*                  on us directly) instead of the sink rule;              *)
(*   BlindConsume - consume an edge even if dependOn renewed it while it   *)
(*                  was being satisfied (no epoch check).                  *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets, Sequences

CONSTANTS Caches, MaxPuts, MaxDepends, MaxWriteBacks, DirectOnly, BlindConsume

VARIABLES
    edges,     \* edges[x][t]: epoch of the edge x -> t, 0 if none
    epoch,     \* last epoch handed out
    dirty,     \* dirty[c]: c's entry is not yet in the backend
    owed,      \* owed[x]: <<t, e>> for each dependOn(x, t) (epoch e) that found t dirty and
               \* after which t has not been written
    pc,        \* pc[x]: where x's write-back is
    snap,      \* snap[x]: the edges x's write-back saw when it began
    owedAtBegin, \* owed[x] when x's write-back began
    budget,    \* how many puts, dependOns, write-backs remain
    violated   \* a write broke I-DEP-ORDER

vars == <<edges, epoch, dirty, owed, pc, snap, owedAtBegin, budget, violated>>

NoEdges == [t \in Caches |-> 0]

Init ==
    /\ edges = [x \in Caches |-> NoEdges]
    /\ epoch = 0
    /\ dirty = [c \in Caches |-> FALSE]
    /\ owed = [x \in Caches |-> {}]
    /\ pc = [x \in Caches |-> "idle"]
    /\ snap = [x \in Caches |-> NoEdges]
    /\ owedAtBegin = [x \in Caches |-> {}]
    /\ budget = [puts |-> MaxPuts, depends |-> MaxDepends, writeBacks |-> MaxWriteBacks]
    /\ violated = FALSE

Targets(x) == {t \in Caches : edges[x][t] > 0}
IsSink(t) == Targets(t) = {}

\* Written back: the entry is clean, and every promise to write it first is kept.
Written(c) ==
    /\ dirty' = [dirty EXCEPT ![c] = FALSE]
    /\ owed' = [x \in Caches |-> {o \in owed[x] : o[1] # c}]

Put(c) ==
    /\ budget.puts > 0
    /\ budget' = [budget EXCEPT !.puts = @ - 1]
    /\ dirty' = [dirty EXCEPT ![c] = TRUE]
    /\ UNCHANGED <<edges, epoch, owed, pc, snap, owedAtBegin, violated>>

\* dependOn(x, t), the step that adds the edge. In the reference it is enabled only while the
\* target is a sink (or the edge exists); otherwise the caller first writes back t's
\* dependencies, which the environment's write-backs model.
DependOn(x, t) ==
    /\ x # t
    /\ budget.depends > 0
    /\ IF DirectOnly THEN edges[t][x] = 0 ELSE (edges[x][t] > 0 \/ IsSink(t))
    /\ budget' = [budget EXCEPT !.depends = @ - 1]
    /\ epoch' = epoch + 1
    /\ edges' = [edges EXCEPT ![x][t] = epoch + 1]
    /\ owed' = IF dirty[t] THEN [owed EXCEPT ![x] = @ \cup {<<t, epoch + 1>>}] ELSE owed
    /\ UNCHANGED <<dirty, pc, snap, owedAtBegin, violated>>

Begin(x) ==
    /\ pc[x] = "idle"
    /\ budget.writeBacks > 0
    /\ budget' = [budget EXCEPT !.writeBacks = @ - 1]
    /\ snap' = [snap EXCEPT ![x] = edges[x]]
    /\ owedAtBegin' = [owedAtBegin EXCEPT ![x] = owed[x]]
    /\ pc' = [pc EXCEPT ![x] = "deps"]
    /\ UNCHANGED <<edges, epoch, dirty, owed, violated>>

\* Write back a target of the snapshot (it must have no edges of its own by now).
WriteTarget(x, t) ==
    /\ pc[x] = "deps"
    /\ snap[x][t] > 0
    /\ IsSink(t)
    /\ Written(t)
    /\ pc' = [pc EXCEPT ![x] = "consume:" \o t]
    /\ UNCHANGED <<edges, epoch, snap, owedAtBegin, budget, violated>>

\* Consume the edge, unless dependOn renewed it meanwhile (the epoch check).
Consume(x, t) ==
    /\ pc[x] = "consume:" \o t
    /\ edges' = IF BlindConsume \/ edges[x][t] = snap[x][t]
                THEN [edges EXCEPT ![x][t] = 0] ELSE edges
    /\ snap' = [snap EXCEPT ![x][t] = 0]
    /\ pc' = [pc EXCEPT ![x] = "deps"]
    /\ UNCHANGED <<epoch, dirty, owed, owedAtBegin, budget, violated>>

WriteSelf(x) ==
    /\ pc[x] = "deps"
    /\ \A t \in Caches : snap[x][t] = 0
    /\ violated' = (violated \/ (owedAtBegin[x] \cap owed[x] # {}))
    /\ Written(x)
    /\ pc' = [pc EXCEPT ![x] = "idle"]
    /\ UNCHANGED <<edges, epoch, snap, owedAtBegin, budget>>

Next ==
    \/ \E c \in Caches : Put(c) \/ Begin(c) \/ WriteSelf(c)
    \/ \E x, t \in Caches : DependOn(x, t) \/ WriteTarget(x, t) \/ Consume(x, t)

Spec == Init /\ [][Next]_vars

------------------------------------------------------------------------------
\* Invariants (names as in SPEC.md)

RECURSIVE Reach(_, _)
Reach(x, seen) == LET next == Targets(x) \ seen
                  IN next \cup UNION {Reach(t, seen \cup next) : t \in next}

\* I-DAG: no cache reaches itself through dependency edges.
DAG == \A x \in Caches : x \notin Reach(x, {})

\* I-DEP-ORDER: no write-back of x wrote x while a target whose dirty entry a dependOn
\* promised to write first (before that write-back began) was still unwritten.
DepOrder == ~violated
=============================================================================
