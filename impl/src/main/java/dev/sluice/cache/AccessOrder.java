package dev.sluice.cache;

import java.util.ArrayList;
import java.util.List;

/**
 * The LRU policy: resident nodes in access order, least recently used first. A doubly linked list
 * threaded through the nodes, so each recorded event costs O(1). Guarded by the drain lock; events
 * reach it only through the read and write buffers.
 */
final class AccessOrder<K, V> {
    private Node<K, V> head;
    private Node<K, V> tail;
    private int size;

    /** A recorded read: the node becomes the most recently used, if it is still in the policy. */
    void onRead(Node<K, V> node) {
        if (node.linked && node.state() == Node.State.RESIDENT) {
            moveToTail(node);
        }
    }

    /**
     * A recorded write (admission, update, or retirement outside the drain): a resident node
     * becomes the most recently used; a retired one leaves the policy.
     */
    void onWrite(Node<K, V> node) {
        if (node.state() == Node.State.RETIRED) {
            if (node.linked) {
                unlink(node);
            }
        } else if (node.linked) {
            moveToTail(node);
        } else {
            linkLast(node);
        }
    }

    /** {@return the keys, least recently used first (for the conformance traces' state lines)} */
    List<K> keys() {
        List<K> keys = new ArrayList<>(size);
        for (Node<K, V> node = head; node != null; node = node.next) {
            keys.add(node.key);
        }
        return keys;
    }

    Node<K, V> leastRecent() {
        return head;
    }

    int size() {
        return size;
    }

    void moveToTail(Node<K, V> node) {
        if (node != tail) {
            unlink(node);
            linkLast(node);
        }
    }

    void unlink(Node<K, V> node) {
        if (node.prev == null) {
            head = node.next;
        } else {
            node.prev.next = node.next;
        }
        if (node.next == null) {
            tail = node.prev;
        } else {
            node.next.prev = node.prev;
        }
        node.prev = null;
        node.next = null;
        node.linked = false;
        size--;
    }

    /** Puts a node back at the least recent end: the first in line for eviction. */
    void linkFirst(Node<K, V> node) {
        node.prev = null;
        node.next = head;
        if (head == null) {
            tail = node;
        } else {
            head.prev = node;
        }
        head = node;
        node.linked = true;
        size++;
    }

    private void linkLast(Node<K, V> node) {
        node.prev = tail;
        node.next = null;
        if (tail == null) {
            head = node;
        } else {
            tail.next = node;
        }
        tail = node;
        node.linked = true;
        size++;
    }
}
