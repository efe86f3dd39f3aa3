package io.nott.unit.runtime.shared;

/**
 * How much of a dict's declared size an entry takes, modelled on nginx's slab allocator as
 * lua-nginx-module uses it, so that a dict holds about as many entries here as there:
 * <ul>
 * <li>a key/value entry costs an rbtree node plus the shdict node header ({@link #ENTRY_OVERHEAD}
 *     bytes on 64-bit) plus the key and value bytes (8 for a number, 1 for a boolean);</li>
 * <li>a list item costs its queue node header ({@link #LIST_ITEM_OVERHEAD}) plus its bytes;</li>
 * <li>each allocation is rounded up as the slab does: to a power of two of at least 8 bytes up to
 *     half a page (2048), whole 4 KiB pages above;</li>
 * <li>of the zone, the slab pool's own header and a 24-byte descriptor per page are not usable
 *     ({@link #usable}): a 1m dict has 252 free pages (1032192 bytes, as nginx reports
 *     {@code free_space()} for a new 1m zone) and a 12k dict none;</li>
 * <li>an allocation of up to a quarter page fits in any free bytes (nginx fills partly used slab
 *     pages); a larger one needs whole free pages ({@link #fits}): a 12k dict takes a 100-byte
 *     value but not a 1000-byte one, as nginx.</li>
 * </ul>
 * Slab fragmentation (a page holds objects of one size class only) is not modelled.
 */
public final class SlabModel {

    public static final int PAGE = 4096;
    /** offsetof(ngx_rbtree_node_t, color) + offsetof(ngx_http_lua_shdict_node_t, data). */
    public static final int ENTRY_OVERHEAD = 32 + 36;
    /** offsetof(ngx_http_lua_shdict_list_node_t, data). */
    public static final int LIST_ITEM_OVERHEAD = 24;
    /** The slab pool header, its size-class table and the shdict context, as measured on a 1m zone. */
    private static final long POOL_OVERHEAD = 8192;
    private static final int PAGE_DESCRIPTOR = 24;

    private SlabModel() {
    }

    /** Bytes of a zone of {@code declared} bytes that entries may use. */
    public static long usable(long declared) {
        return Math.max(0, declared - POOL_OVERHEAD - (declared / PAGE) * PAGE_DESCRIPTOR);
    }

    /** Whether an allocation of {@code bytes} (already rounded) fits in {@code free} bytes. */
    public static boolean fits(long bytes, long free) {
        if (bytes <= PAGE / 4) {
            return bytes <= free;
        }
        long pages = (bytes + PAGE - 1) / PAGE;
        return pages <= free / PAGE;
    }

    /** Bytes one key/value entry takes. */
    public static long entry(int keyBytes, int valueBytes) {
        return round(ENTRY_OVERHEAD + (long) keyBytes + valueBytes);
    }

    /** Bytes one list item takes. */
    public static long listItem(int valueBytes) {
        return round(LIST_ITEM_OVERHEAD + (long) valueBytes);
    }

    static long round(long n) {
        if (n > PAGE / 2) {
            return (n + PAGE - 1) / PAGE * PAGE;
        }
        long size = 8;
        while (size < n) {
            size <<= 1;
        }
        return size;
    }
}
