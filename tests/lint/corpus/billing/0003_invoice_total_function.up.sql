CREATE OR REPLACE FUNCTION billing.invoice_total(p_invoice bigint)
RETURNS numeric
LANGUAGE plpgsql STABLE
AS $fn$
DECLARE
    v_total numeric := 0;
BEGIN
    -- Never TRUNCATE or DELETE FROM billing.invoice_lines here: read only.
    SELECT coalesce(sum(quantity * amount), 0) INTO v_total
    FROM billing.invoice_lines
    WHERE invoice_id = p_invoice;
    RETURN v_total;
END;
$fn$;
