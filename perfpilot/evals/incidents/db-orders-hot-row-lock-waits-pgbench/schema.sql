--
-- PostgreSQL database dump
--

\restrict 3rcFYnGBzzsERbVWm8PwwQC5nkTNpASWINrK0vhYcPdZtjFigdDJxPmhMOc1X5t

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: pg_stat_statements; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS pg_stat_statements WITH SCHEMA public;


--
-- Name: EXTENSION pg_stat_statements; Type: COMMENT; Schema: -; Owner: 
--

COMMENT ON EXTENSION pg_stat_statements IS 'track planning and execution statistics of all SQL statements executed';


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: orders; Type: TABLE; Schema: public; Owner: perfpilot
--

CREATE TABLE public.orders (
    id bigint NOT NULL,
    product_id bigint NOT NULL,
    warehouse_id integer NOT NULL,
    created_at timestamp with time zone NOT NULL
);


ALTER TABLE public.orders OWNER TO perfpilot;

--
-- Name: orders_id_seq; Type: SEQUENCE; Schema: public; Owner: perfpilot
--

CREATE SEQUENCE public.orders_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.orders_id_seq OWNER TO perfpilot;

--
-- Name: orders_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: perfpilot
--

ALTER SEQUENCE public.orders_id_seq OWNED BY public.orders.id;


--
-- Name: products; Type: TABLE; Schema: public; Owner: perfpilot
--

CREATE TABLE public.products (
    id bigint NOT NULL,
    name text NOT NULL,
    price_cents integer NOT NULL
);


ALTER TABLE public.products OWNER TO perfpilot;

--
-- Name: stock_totals; Type: TABLE; Schema: public; Owner: perfpilot
--

CREATE TABLE public.stock_totals (
    warehouse_id integer NOT NULL,
    reserved bigint NOT NULL
);


ALTER TABLE public.stock_totals OWNER TO perfpilot;

--
-- Name: warehouses; Type: TABLE; Schema: public; Owner: perfpilot
--

CREATE TABLE public.warehouses (
    id integer NOT NULL,
    name text NOT NULL
);


ALTER TABLE public.warehouses OWNER TO perfpilot;

--
-- Name: orders id; Type: DEFAULT; Schema: public; Owner: perfpilot
--

ALTER TABLE ONLY public.orders ALTER COLUMN id SET DEFAULT nextval('public.orders_id_seq'::regclass);


--
-- Name: orders orders_pkey; Type: CONSTRAINT; Schema: public; Owner: perfpilot
--

ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_pkey PRIMARY KEY (id);


--
-- Name: products products_pkey; Type: CONSTRAINT; Schema: public; Owner: perfpilot
--

ALTER TABLE ONLY public.products
    ADD CONSTRAINT products_pkey PRIMARY KEY (id);


--
-- Name: stock_totals stock_totals_pkey; Type: CONSTRAINT; Schema: public; Owner: perfpilot
--

ALTER TABLE ONLY public.stock_totals
    ADD CONSTRAINT stock_totals_pkey PRIMARY KEY (warehouse_id);


--
-- Name: warehouses warehouses_pkey; Type: CONSTRAINT; Schema: public; Owner: perfpilot
--

ALTER TABLE ONLY public.warehouses
    ADD CONSTRAINT warehouses_pkey PRIMARY KEY (id);


--
-- Name: orders_product_id_idx; Type: INDEX; Schema: public; Owner: perfpilot
--

CREATE INDEX orders_product_id_idx ON public.orders USING btree (product_id);


--
-- Name: orders orders_product_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: perfpilot
--

ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_product_id_fkey FOREIGN KEY (product_id) REFERENCES public.products(id);


--
-- Name: orders orders_warehouse_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: perfpilot
--

ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_warehouse_id_fkey FOREIGN KEY (warehouse_id) REFERENCES public.warehouses(id);


--
-- Name: stock_totals stock_totals_warehouse_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: perfpilot
--

ALTER TABLE ONLY public.stock_totals
    ADD CONSTRAINT stock_totals_warehouse_id_fkey FOREIGN KEY (warehouse_id) REFERENCES public.warehouses(id);


--
-- PostgreSQL database dump complete
--

\unrestrict 3rcFYnGBzzsERbVWm8PwwQC5nkTNpASWINrK0vhYcPdZtjFigdDJxPmhMOc1X5t

