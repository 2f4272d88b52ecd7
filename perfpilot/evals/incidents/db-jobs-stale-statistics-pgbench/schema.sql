--
-- PostgreSQL database dump
--

\restrict JrFRFxrj4kK3CfiV9IdF0lAugiH7DbJTgRBQno6rtPIlNVwrq7gmg1OH4wQ4GNN

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
-- Name: accounts; Type: TABLE; Schema: public; Owner: perfpilot
--

CREATE TABLE public.accounts (
    id bigint NOT NULL,
    name text NOT NULL,
    plan text NOT NULL
);


ALTER TABLE public.accounts OWNER TO perfpilot;

--
-- Name: accounts_id_seq; Type: SEQUENCE; Schema: public; Owner: perfpilot
--

CREATE SEQUENCE public.accounts_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.accounts_id_seq OWNER TO perfpilot;

--
-- Name: accounts_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: perfpilot
--

ALTER SEQUENCE public.accounts_id_seq OWNED BY public.accounts.id;


--
-- Name: jobs; Type: TABLE; Schema: public; Owner: perfpilot
--

CREATE TABLE public.jobs (
    id bigint NOT NULL,
    account_id bigint NOT NULL,
    state text NOT NULL,
    payload text NOT NULL,
    created_at timestamp with time zone NOT NULL
)
WITH (autovacuum_enabled='false');


ALTER TABLE public.jobs OWNER TO perfpilot;

--
-- Name: jobs_id_seq; Type: SEQUENCE; Schema: public; Owner: perfpilot
--

CREATE SEQUENCE public.jobs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.jobs_id_seq OWNER TO perfpilot;

--
-- Name: jobs_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: perfpilot
--

ALTER SEQUENCE public.jobs_id_seq OWNED BY public.jobs.id;


--
-- Name: accounts id; Type: DEFAULT; Schema: public; Owner: perfpilot
--

ALTER TABLE ONLY public.accounts ALTER COLUMN id SET DEFAULT nextval('public.accounts_id_seq'::regclass);


--
-- Name: jobs id; Type: DEFAULT; Schema: public; Owner: perfpilot
--

ALTER TABLE ONLY public.jobs ALTER COLUMN id SET DEFAULT nextval('public.jobs_id_seq'::regclass);


--
-- Name: accounts accounts_pkey; Type: CONSTRAINT; Schema: public; Owner: perfpilot
--

ALTER TABLE ONLY public.accounts
    ADD CONSTRAINT accounts_pkey PRIMARY KEY (id);


--
-- Name: jobs jobs_pkey; Type: CONSTRAINT; Schema: public; Owner: perfpilot
--

ALTER TABLE ONLY public.jobs
    ADD CONSTRAINT jobs_pkey PRIMARY KEY (id);


--
-- Name: jobs_created_at_idx; Type: INDEX; Schema: public; Owner: perfpilot
--

CREATE INDEX jobs_created_at_idx ON public.jobs USING btree (created_at);


--
-- Name: jobs_state_idx; Type: INDEX; Schema: public; Owner: perfpilot
--

CREATE INDEX jobs_state_idx ON public.jobs USING btree (state);


--
-- Name: jobs jobs_account_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: perfpilot
--

ALTER TABLE ONLY public.jobs
    ADD CONSTRAINT jobs_account_id_fkey FOREIGN KEY (account_id) REFERENCES public.accounts(id);


--
-- PostgreSQL database dump complete
--

\unrestrict JrFRFxrj4kK3CfiV9IdF0lAugiH7DbJTgRBQno6rtPIlNVwrq7gmg1OH4wQ4GNN

