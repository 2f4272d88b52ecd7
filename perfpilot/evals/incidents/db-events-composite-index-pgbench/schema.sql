--
-- PostgreSQL database dump
--

\restrict RNaqv7sZCMVZYOrcdw885gxv5a50EDuDhLMvDFAOrbPrOFs6gXfm0GhEAxe8YWp

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
    name text NOT NULL
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
-- Name: events; Type: TABLE; Schema: public; Owner: perfpilot
--

CREATE TABLE public.events (
    id bigint NOT NULL,
    account_id bigint NOT NULL,
    kind text NOT NULL,
    payload text NOT NULL,
    created_at timestamp with time zone NOT NULL
);


ALTER TABLE public.events OWNER TO perfpilot;

--
-- Name: events_id_seq; Type: SEQUENCE; Schema: public; Owner: perfpilot
--

CREATE SEQUENCE public.events_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE public.events_id_seq OWNER TO perfpilot;

--
-- Name: events_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: perfpilot
--

ALTER SEQUENCE public.events_id_seq OWNED BY public.events.id;


--
-- Name: accounts id; Type: DEFAULT; Schema: public; Owner: perfpilot
--

ALTER TABLE ONLY public.accounts ALTER COLUMN id SET DEFAULT nextval('public.accounts_id_seq'::regclass);


--
-- Name: events id; Type: DEFAULT; Schema: public; Owner: perfpilot
--

ALTER TABLE ONLY public.events ALTER COLUMN id SET DEFAULT nextval('public.events_id_seq'::regclass);


--
-- Name: accounts accounts_pkey; Type: CONSTRAINT; Schema: public; Owner: perfpilot
--

ALTER TABLE ONLY public.accounts
    ADD CONSTRAINT accounts_pkey PRIMARY KEY (id);


--
-- Name: events events_pkey; Type: CONSTRAINT; Schema: public; Owner: perfpilot
--

ALTER TABLE ONLY public.events
    ADD CONSTRAINT events_pkey PRIMARY KEY (id);


--
-- PostgreSQL database dump complete
--

\unrestrict RNaqv7sZCMVZYOrcdw885gxv5a50EDuDhLMvDFAOrbPrOFs6gXfm0GhEAxe8YWp

